"""Drive the draw page in a real browser, as a learner would.

Pen strokes traced from MNIST digits, the mouse that draws them, what the page answers, and
`mnist-course draw` in its own process. The course's tests (`tests/test_draw.py`), the latency
bench (`bench/draw_latency.py`) and the guide's screenshot all use it.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import cv2
import numpy as np

from mnist_course.course import find_course_root

CANVAS = 400  # the canvas' own pixels (index.html)
PEN = 26  # draw.js' PEN_WIDTH
# A webcam for the page: Chromium's own test pattern, with the permission granted.
CAMERA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


# --- Strokes traced from MNIST digits ------------------------------------------------------

def traced_strokes(digit: np.ndarray, size: int = CANVAS) -> list[list[tuple[float, float]]]:
    """Pen strokes that redraw a 28x28 MNIST digit on a `size` x `size` canvas.

    Each stroke follows one outline of the digit's ink, inset by a third of the pen so the
    pen's width fills the stroke instead of fattening it.
    """
    big = cv2.resize(digit.astype(np.float32), (size, size), interpolation=cv2.INTER_CUBIC)
    mask = (big > 110).astype(np.uint8)
    inset = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (PEN // 3 * 2 + 1,) * 2)
    core = cv2.erode(mask, inset)
    if core.sum() < 0.25 * mask.sum():  # a thin digit: the erosion would lose it
        core = mask
    contours, _ = cv2.findContours(core, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    strokes = []
    for contour in contours:
        if cv2.arcLength(contour, True) < PEN:
            continue
        points = cv2.approxPolyDP(contour, 1.5, True)[:, 0, :].astype(float)
        strokes.append([tuple(p) for p in points] + [tuple(points[0])])
    return strokes


def rendered_png(strokes, size: int = CANVAS) -> bytes:
    """The strokes drawn with OpenCV as the canvas draws them: black, round, on white."""
    paper = np.full((size, size), 255, np.uint8)
    for stroke in strokes:
        cv2.polylines(paper, [np.int32(np.round(stroke))], False, 0, PEN, cv2.LINE_AA)
    ok, png = cv2.imencode(".png", paper)
    assert ok
    return png.tobytes()


def mnist_test_digits():
    """MNIST's test images and labels, from wherever the course finds MNIST."""
    from mnist_course.training.data import load_mnist_data

    _, (x_test, y_test) = load_mnist_data()
    return x_test, y_test


# --- The page --------------------------------------------------------------------------------

def draw(page, strokes, settle: bool = True) -> list[int]:
    """Draw `strokes` with the mouse; the latency (ms) from each stroke's end to its answer."""
    box = page.locator("#pad").bounding_box()
    scale = box["width"] / CANVAS
    latencies = []
    for stroke in strokes:
        x, y = stroke[0]
        page.mouse.move(box["x"] + x * scale, box["y"] + y * scale)
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box["x"] + x * scale, box["y"] + y * scale)
        page.mouse.up()
        if settle:
            latencies.append(wait_for_answer(page))
    return latencies


def wait_for_answer(page, timeout: float = 30_000) -> int:
    """Wait until the page has no picture on its way; return the latest latency in ms."""
    page.wait_for_selector("body[data-busy='false']", state="attached", timeout=timeout)
    return int(page.locator("#answer").get_attribute("data-latency-ms") or -1)


def shown_digit(page) -> int | None:
    value = page.locator("#answer").get_attribute("data-digit")
    return None if value is None else int(value)


# --- The server --------------------------------------------------------------------------------

class ServerProcess:
    """`mnist-course draw` in its own process; its terminal lines collected as they come."""

    def __init__(self, *args: str, root: Path | None = None):
        env = dict(os.environ, PYTHONUNBUFFERED="1", TF_CPP_MIN_LOG_LEVEL="3")
        command = [sys.executable, "-m", "mnist_course.cli", "draw", "--port", "0", "--no-browser", *args]
        self.process = subprocess.Popen(
            command, cwd=root or find_course_root(), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.out: list[str] = []
        self.err: list[str] = []
        lines: queue.Queue = queue.Queue()
        for stream, into in ((self.process.stdout, self.out), (self.process.stderr, self.err)):
            threading.Thread(target=self._collect, args=(stream, into, lines), daemon=True).start()
        try:
            self.url = self._address(lines)
        except BaseException:
            self.kill()  # a server that never said where it listens is not left behind
            raise

    def _address(self, lines: queue.Queue) -> str:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                assert self.process.poll() is None, f"the server stopped: {self.err}"
                continue
            found = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if found:
                return found.group(0)
        raise AssertionError(f"no address printed in 180 s: {self.out} {self.err}")

    @staticmethod
    def _collect(stream, into, lines):
        for line in stream:
            into.append(line.rstrip("\n"))
            lines.put(line)

    def stop(self) -> int:
        """Ctrl-C, as a person stops it; its exit status. A server still running 30 s later
        is killed before the timeout is raised, so a failing test leaves none behind."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
