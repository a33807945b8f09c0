"""`mnist-course draw` at its limits, without a browser: the server as the learner starts it.

- lesson 07 code that never returns: each reading has the time limit `progress` and `watch`
  give a lesson, the page is told why, and no picture is left in `.course/draw/`, even when
  the learner presses Ctrl-C in the middle of a reading;
- a burst of 50 pictures at once: every one is answered;
- a model the course refuses, named with --model: one line and exit code 2 at start;
- float TIFFs holding NaN or infinities: no NumPy warning in the terminal;
- messages from several threads at once: each its own whole line;
- a client that sends a byte a second: cut at the request deadline.
"""

from __future__ import annotations

import http.client
import io
import json
import select
import socket
import sys
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from companion_course import copy_course
from conftest import ROOT, run_cli

from mnist_course.draw.driver import ServerProcess

pytestmark = pytest.mark.slow

PHOTO = ROOT / "examples" / "seven-thick-marker.png"


def post(url: str, body: bytes, source: str = "file", timeout: float = 60) -> tuple[int, dict]:
    host, port = url.split("//")[1].strip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request("POST", f"/predict?source={source}", body=body, headers={"Content-Type": "image/png"})
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def said(lines: list[str], text: str, count: int = 1, timeout: float = 30) -> list[str]:
    """The terminal lines holding `text`, once there are `count` (they reach us after the answer)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [line for line in list(lines) if text in line]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def pictures_left(course: Path) -> list[Path]:
    folder = course / ".course" / "draw"
    return sorted(folder.rglob("*")) if folder.exists() else []


def stuck_lesson(folder: Path) -> Path:
    """A lesson 07 whose preprocess_digit never returns (its loop's condition never turns false)."""
    folder.mkdir(parents=True)
    source = (ROOT / "solutions" / "lesson_07_predict.py").read_text(encoding="utf-8")
    stuck = source.replace(
        "def preprocess_digit(grey, stages=None):\n",
        "def preprocess_digit(grey, stages=None):\n    while grey is not None:\n        grey = grey\n",
        1,
    )
    assert stuck != source
    (folder / "lesson_07_predict.py").write_text(stuck, encoding="utf-8")
    return folder


@pytest.fixture
def course(tmp_path):
    return copy_course(tmp_path / "course")


@pytest.fixture(scope="module")
def server(model_path, tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("draw") / "course")
    running = ServerProcess("--solutions", "--model", str(model_path), root=course)
    yield running
    running.stop()


def test_a_reading_that_never_returns_is_stopped_at_the_time_limit(course, model_path):
    mine = stuck_lesson(course / "mine")
    server = ServerProcess("--impl", str(mine), "--model", str(model_path), "--time-limit", "3", root=course)
    try:
        status, answer = post(server.url, PHOTO.read_bytes())
        assert status == 504, answer
        assert "preprocess_digit() did not return within 3 s" in answer["error"], answer
        assert "mine/lesson_07_predict.py:" in answer["error"] and "loop that never ends" in answer["error"]
        lines = said(server.err, "preprocess_digit() did not return")
        assert lines and lines[0].startswith("mnist-course draw: your photo: preprocess_digit()"), server.err
        # The code still runs (Python cannot stop a thread): later pictures are told so at once.
        status, again = post(server.url, PHOTO.read_bytes(), timeout=10)
        assert status == 503 and "preprocess_digit() did not return" in again["error"], again
        assert not pictures_left(course)
    finally:
        code = server.stop()
    assert code == 0 and server.out[-1] == "Stopped.", (server.out, server.err)
    assert not any("Traceback" in line for line in server.err), server.err


def test_ctrl_c_during_a_reading_leaves_no_picture_behind(course, model_path):
    mine = stuck_lesson(course / "mine")
    server = ServerProcess("--impl", str(mine), "--model", str(model_path), root=course)
    try:
        answers = []

        def send():
            try:
                answers.append(post(server.url, PHOTO.read_bytes(), timeout=120))
            except OSError as error:  # the server stopped in the middle: no answer
                answers.append(error)

        threading.Thread(target=send, daemon=True).start()
        deadline = time.monotonic() + 60
        while not pictures_left(course) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pictures_left(course), "the picture never reached .course/draw/"
    finally:
        code = server.stop()  # Ctrl-C while preprocess_digit runs
    assert code == 0 and server.out[-1] == "Stopped.", (server.out, server.err)
    assert not pictures_left(course)


def test_fifty_pictures_at_once_are_all_answered(server):
    photo = PHOTO.read_bytes()
    start = threading.Barrier(50)
    answers: list = [None] * 50

    def send(index: int) -> None:
        start.wait()
        try:
            answers[index] = post(server.url, photo if index % 2 else b"not a picture", timeout=120)[0]
        except OSError as error:
            answers[index] = f"{type(error).__name__}: {error}"

    threads = [threading.Thread(target=send, args=(index,)) for index in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert answers == [415 if index % 2 == 0 else 200 for index in range(50)], answers
    # Twenty-five refusals at once, each its own line in the terminal.
    refusals = said(server.err, "not a picture the course reads", count=25)
    assert len(refusals) >= 25, server.err
    assert all(line.startswith("mnist-course draw: your photo: it is not a picture") for line in refusals), refusals


def test_a_model_the_course_refuses_stops_draw_at_start(course, tmp_path):
    broken = tmp_path / "broken.keras"
    broken.write_text("not a model")
    run = run_cli("draw", "--solutions", "--model", str(broken), "--port", "0", "--no-browser",
                  cwd=course, timeout=120)  # fmt: skip
    assert run.returncode == 2, (run.stdout, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mnist-course: ") and "broken.keras" in lines[0], run.stderr
    assert "Draw a digit at" not in run.stdout


def float_tiff(values: np.ndarray) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(values.astype(np.float32), mode="F").save(buffer, "TIFF")
    return buffer.getvalue()


def odd_tiffs() -> dict[str, bytes]:
    found = {}
    for name, bad in (("nan", np.nan), ("inf", np.inf), ("-inf", -np.inf)):
        for top in (1.0, 200.0):  # a float picture in 0..1, and one in 0..255
            values = np.full((60, 60), top)
            values[10:50, 25:35] = 0.0  # a dark stroke
            values[:, :6] = bad
            found[f"{name}, 0..{top:g}"] = float_tiff(values)
    found["all nan"] = float_tiff(np.full((60, 60), np.nan))
    return found


def test_the_page_takes_every_format_predict_reads():
    from PIL import Image

    from mnist_course.draw.reading import IMAGE_FORMATS, image_format
    from mnist_course.pictures.image_files import PICTURE_FORMATS

    with Image.open(PHOTO) as photo:
        seven = photo.convert("RGB")
    written = []
    for name in PICTURE_FORMATS:
        if name in Image.SAVE and name != "MPO":  # MPO: a JPEG with more pictures, saved as JPEG
            buffer = io.BytesIO()
            seven.save(buffer, name)
            assert image_format(buffer.getvalue()) == name and IMAGE_FORMATS[name].startswith(".")
            written.append(name)
    assert {"PNG", "JPEG", "WEBP"} <= set(written), written  # AVIF too where Pillow has it


def test_float_tiffs_with_nan_or_infinity_are_read_without_warnings(tmp_path):
    from mnist_course.pictures.image_files import open_picture

    for name, data in odd_tiffs().items():
        path = tmp_path / "odd.tif"
        path.write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            grey, _ = open_picture(path)
        assert np.isfinite(grey).all() and grey.min() >= 0 and grey.max() <= 255, name


def test_float_tiffs_with_nan_or_infinity_say_nothing_but_their_lines(server):
    for name, data in odd_tiffs().items():
        status, answer = post(server.url, data)
        assert status in (200, 422), (name, status, answer)
    # A last refusal: once its line is here, whatever the readings above printed is too.
    before = len(said(server.err, "not a picture the course reads", count=0))
    assert post(server.url, b"the end")[0] == 415
    assert len(said(server.err, "not a picture the course reads", count=before + 1)) == before + 1
    assert not any("Warning" in line for line in server.err + server.out), server.err


def test_lines_from_many_threads_at_once_are_never_glued():
    from mnist_course.draw import server as draw_server

    class Terminal:
        """A stream whose writes interleave, as a terminal's do between threads."""

        def __init__(self):
            self.text = []

        def write(self, text):
            for character in text:
                self.text.append(character)
                time.sleep(0)  # lets another thread write in between
            return len(text)

        def flush(self):
            pass

    terminal = Terminal()
    saved = sys.stderr, sys.stdout
    sys.stderr = sys.stdout = terminal
    try:
        threads = [
            threading.Thread(target=(draw_server.warn if index % 2 else draw_server.say), args=(f"message {index}",))
            for index in range(40)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.stderr, sys.stdout = saved
    lines = "".join(terminal.text).split("\n")
    assert lines[-1] == ""  # every message ends with its own newline
    expected = {f"mnist-course draw: message {i}" if i % 2 else f"message {i}" for i in range(40)}
    assert sorted(lines[:-1]) == sorted(expected), lines


def test_a_client_that_sends_a_byte_a_second_is_cut_at_the_request_deadline(tmp_path):
    from mnist_course.draw.reading import Reader
    from mnist_course.draw.server import DrawServer
    from mnist_course.training.pipeline import Implementation

    broken = tmp_path / "broken.keras"  # no model needed: the request never gets that far
    broken.write_text("not a model")
    server = DrawServer(Reader(ROOT, Implementation(ROOT / "solutions"), broken), 0)
    server.request_deadline = 2.0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address
    head = f"POST /predict HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Length: 200\r\n\r\n".encode()
    try:
        for trickled in (head, head[:20]):  # the body a byte at a time; then the headers
            with socket.create_connection((host, port), timeout=30) as raw:
                raw.sendall(trickled)
                started = time.monotonic()
                cut = None
                for _ in range(60):  # 30 s of one byte every half second, far past the deadline
                    readable, _, _ = select.select([raw], [], [], 0.5)
                    if readable and raw.recv(1000) == b"":
                        cut = time.monotonic() - started
                        break
                    try:
                        raw.sendall(b"x")
                    except OSError:
                        cut = time.monotonic() - started
                        break
                assert cut is not None and cut < 20, f"still connected after {time.monotonic() - started:.0f} s"
    finally:
        server.shutdown()
        server.server_close()
