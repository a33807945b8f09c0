"""`mnist-course draw`, driven in Debian's Chromium as a learner would use it.

The server runs as the learner starts it (`python -m mnist_course.cli draw ...`, port 0).
Digits are drawn with mouse strokes traced from MNIST *test* images (the outline of each
digit, scaled to the canvas), and the page must show the digit's MNIST label. The digits
are picked among those the same model reads right when the same strokes are rendered on
the server side (OpenCV), so a failure here is the page, the canvas or the upload, not a
weak model. Bad input (an empty canvas, a picture too large, a file that is not a
picture, a model that cannot be loaded, a lesson not written yet) must show its message on
the page and one line in the terminal, and the server must keep running.

The page works with the keyboard alone (every control reached with Tab, with a visible focus
ring; a photo chosen and the webcam used without a mouse; the answer read from the page's
live region, as a screen reader announces it), and axe-core finds no serious or critical
accessibility violation on it, in the light and the dark palette.

Needs MNIST (MNIST_PATH) and /usr/bin/chromium with Playwright.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from mnist_course.draw.driver import (
    CAMERA_ARGS, ServerProcess, draw, mnist_test_digits, rendered_png, shown_digit, traced_strokes, wait_for_answer,
)

from conftest import ROOT, chromium, serious_accessibility_problems, wait_in_page

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
WANTED = (2, 3, 7, 4)  # the MNIST labels drawn in the browser

pytestmark = pytest.mark.slow


def pick_digits(reader, wanted=WANTED, tries: int = 30) -> list[tuple[int, int, list]]:
    """(index, label, strokes) of MNIST test digits, one per wanted label, read right server-side."""
    x_test, y_test = mnist_test_digits()
    picked = []
    for label in wanted:
        for index in np.flatnonzero(y_test == label)[:tries]:
            strokes = traced_strokes(x_test[index])
            if strokes and reader.read(rendered_png(strokes)).digit == label:
                picked.append((int(index), label, strokes))
                break
        else:
            pytest.fail(f"none of the first {tries} MNIST test {label}s is read right when redrawn")
    return picked


# --- The page --------------------------------------------------------------------------------

def open_page(browser, url: str):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    # Offline: every request goes to the course's server (pictures also come as data:/blob:).
    page.on("request", lambda r: None if r.url.startswith((url, "data:", "blob:"))
            else problems.append(f"outside request: {r.url}"))
    page.goto(url, wait_until="networkidle")
    return page, problems


def unexpected(problems: list[str]) -> list[str]:
    """Console problems other than the HTTP status of an answer that was meant to be refused."""
    return [p for p in problems if "Failed to load resource: the server responded" not in p]


# --- Servers ---------------------------------------------------------------------------------

class ServerThread:
    """A draw server inside the test process, for cases that need their own reader."""

    def __init__(self, reader):
        from mnist_course.draw.server import DrawServer

        self.server = DrawServer(reader, 0)
        self.url = self.server.url
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def request(url: str, method: str = "GET", path: str = "/", body: bytes | None = None, headers=None):
    """One raw HTTP request; (status, body)."""
    host, port = url.split("//")[1].strip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


def wait_for_line(lines: list[str], pattern: str, timeout: float = 10) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in lines:
            if re.search(pattern, line):
                return line
        time.sleep(0.05)
    raise AssertionError(f"no line matching {pattern!r} in {lines}")


# --- Fixtures ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def reference(model_path):
    """The server's own reading path, in this process, with the reference lesson 07."""
    from mnist_course.draw.reading import Reader
    from mnist_course.training.pipeline import Implementation

    return Reader(ROOT, Implementation(ROOT / "solutions", reference=ROOT / "solutions"), model_path)


@pytest.fixture(scope="module")
def server(model_path):
    running = ServerProcess("--solutions", "--model", str(model_path))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser():
    with chromium(*CAMERA_ARGS) as launched:
        yield launched


# --- Tests ---------------------------------------------------------------------------------------

def test_drawn_mnist_digits_are_read_on_the_page(server, browser, reference):
    picked = pick_digits(reference)
    page, problems = open_page(browser, server.url)
    assert "Draw a digit" in page.title()
    latencies = []
    for index, label, strokes in picked:
        page.click("#clear")
        latencies += draw(page, strokes)
        assert shown_digit(page) == label, (
            f"MNIST test digit #{index} (a {label}) drawn in {len(strokes)} strokes: "
            f"the page says {page.locator('#answer').inner_text()!r}"
        )
        assert f"Your model reads {label} (" in " ".join(page.locator("#answer").inner_text().split())
        # The 28x28 image the model saw, and ten bars with the answer's on top.
        assert page.locator("#seen").get_attribute("src").startswith("data:image/png;base64,")
        assert page.locator("#seen").is_visible()
        assert page.locator("#bars li").count() == 10
        assert page.locator("#bars li.top .digit").inner_text() == str(label)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "draw.png"), full_page=True)
    page.close()
    assert not problems, problems
    # The terminal says what was read, one line per picture.
    assert sum(line.startswith("your drawing: ") for line in server.out) >= len(latencies)
    latencies.sort()
    median = latencies[len(latencies) // 2]
    print(f"\nstroke end -> answer shown: median {median} ms, max {latencies[-1]} ms "
          f"over {len(latencies)} strokes ({len(picked)} digits); load {os.getloadavg()[0]:.1f}")
    assert median < 500, "the page should answer within half a second of a stroke"


def test_undo_and_clear(server, browser, reference):
    (_, label, strokes), = pick_digits(reference, wanted=(7,))
    page, problems = open_page(browser, server.url)
    draw(page, strokes)
    assert shown_digit(page) == label
    draw(page, [[(60.0, 60.0), (340.0, 340.0)]])  # a slash across it
    page.keyboard.press("Control+z")
    wait_for_answer(page)
    assert shown_digit(page) == label, "Undo did not bring the previous drawing back"
    page.click("#clear")
    assert page.locator("#answer").get_attribute("data-state") == "waiting"
    assert not page.locator("#seen").is_visible()
    page.close()
    assert not problems, problems


def test_empty_canvas_says_so_and_the_server_keeps_running(server, browser, reference):
    page, problems = open_page(browser, server.url)
    page.click("#read")  # "Read the drawing" with nothing drawn
    wait_for_answer(page)
    answer = page.locator("#answer")
    assert answer.get_attribute("data-state") == "error"
    assert "no digit found" in answer.inner_text() and "canvas is empty" in answer.inner_text()
    wait_for_line(server.err, r"^mnist-course draw: your drawing: no digit found")
    (_, label, strokes), = pick_digits(reference, wanted=(3,))
    draw(page, strokes)
    assert shown_digit(page) == label
    page.close()
    assert not unexpected(problems), problems


def test_too_large_upload_is_refused_before_it_is_read(server, browser):
    from mnist_course.draw.server import MAX_BYTES

    # Only the headers: the server must answer from Content-Length alone.
    host, port = server.url.split("//")[1].strip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.putrequest("POST", "/predict?source=file")
    connection.putheader("Content-Type", "image/jpeg")
    connection.putheader("Content-Length", str(MAX_BYTES + 1))
    connection.endheaders()
    response = connection.getresponse()
    payload = json.loads(response.read())
    connection.close()
    assert response.status == 413
    assert "limit is 8 MB" in payload["error"]
    wait_for_line(server.err, r"^mnist-course draw: your photo is 8\.4 MB: the limit is 8 MB")
    # The page refuses such a photo itself, without sending it.
    page, problems = open_page(browser, server.url)
    page.set_input_files("#file", files=[{
        "name": "huge.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8" + bytes(MAX_BYTES + 10)}])
    assert page.locator("#answer").get_attribute("data-state") == "error"
    assert "huge.jpg is 8.4 MB: the limit is 8 MB" in page.locator("#answer").inner_text()
    page.close()
    assert request(server.url)[0] == 200  # still serving
    assert not unexpected(problems), problems


def test_photos_go_through_the_same_path(server, browser, reference):
    photo = ROOT / "examples" / "seven-thick-marker.png"
    expected = reference.read(photo.read_bytes()).digit
    page, problems = open_page(browser, server.url)
    page.set_input_files("#file", str(photo))
    wait_for_answer(page)
    assert shown_digit(page) == expected == 7
    assert page.locator("#photo").is_visible()
    wait_for_line(server.out, r"^your photo: 7 ")
    # A file that is not a picture in a format the course reads.
    page.set_input_files("#file", files=[{"name": "notes.png", "mimeType": "image/png", "buffer": b"hello"}])
    wait_for_answer(page)
    assert "not a picture the course reads" in page.locator("#answer").inner_text()
    wait_for_line(server.err, r"^mnist-course draw: your photo: it is not a picture the course reads")
    # The webcam (Chromium's fake one: a test pattern, not a digit): it reaches the same reader.
    page.click("#camera")
    page.wait_for_selector("#snap:enabled", timeout=15_000)  # the webcam is playing
    page.click("#snap")
    wait_for_answer(page)
    assert page.locator("#answer").get_attribute("data-state") in {"answer", "error"}
    wait_for_line(server.out + server.err, r"the webcam photo")
    page.click("#camera-off")
    page.close()
    assert not unexpected(problems), problems


def test_only_the_page_and_the_prediction_endpoint_are_served(server):
    assert request(server.url, path="/draw.js")[0] == 200
    for path in ("/pyproject.toml", "/../pyproject.toml", "/static/index.html", "/predict", "/.course/"):
        assert request(server.url, path=path)[0] == 404, path
    assert request(server.url, "POST", "/upload", b"x", {"Content-Type": "image/png"})[0] == 404
    assert request(server.url, "PUT", "/predict", b"x")[0] == 501
    # Another site, reaching this port through the browser by a name of its own.
    assert request(server.url, headers={"Host": "evil.example:80"})[0] == 404
    status, _ = request(server.url, "POST", "/predict", b"x", {"Origin": "http://evil.example"})
    assert status == 404
    host, port = server.url.split("//")[1].strip("/").split(":")
    assert host == "127.0.0.1"
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request("GET", "/")
    response = connection.getresponse()
    response.read()
    connection.close()
    assert "default-src 'self'" in response.getheader("Content-Security-Policy")  # no outside asset
    # Nothing from the pictures is left behind in .course/draw/.
    assert not list((ROOT / ".course" / "draw").glob("picture-*"))


def test_broken_requests_get_one_line_and_the_server_goes_on(server):
    import socket

    host, port = server.url.split("//")[1].strip("/").split(":")
    # No Content-Length: refused without reading.
    with socket.create_connection((host, int(port)), timeout=30) as raw:
        raw.sendall(f"POST /predict HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        assert raw.recv(100).startswith(b"HTTP/1.0 411")
    # A body cut short: the browser closed the tab mid-upload.
    with socket.create_connection((host, int(port)), timeout=30) as raw:
        raw.sendall(f"POST /predict?source=file HTTP/1.1\r\nHost: {host}:{port}\r\n"
                    "Content-Length: 5000\r\n\r\n".encode() + b"\x89PNG\r\n\x1a\n")
    # A photo cut short: its header says PNG, the rest is missing.
    photo = (ROOT / "examples" / "seven-thick-marker.png").read_bytes()
    status, body = request(server.url, "POST", "/predict?source=file", photo[: len(photo) // 3])
    assert status == 422 and "not an image that can be read" in json.loads(body)["error"], body
    assert ".course" not in json.loads(body)["error"]  # the page is not told where files are
    wait_for_line(server.err, r"^mnist-course draw: your photo: the picture is not an image")
    assert request(server.url)[0] == 200
    assert not any("Traceback" in line for line in server.err), server.err


def test_a_model_that_cannot_be_loaded_is_said_on_the_page(browser, tmp_path, capfd):
    from mnist_course.draw.reading import Reader
    from mnist_course.training.pipeline import Implementation

    broken = tmp_path / "broken.keras"
    broken.write_text("not a model")
    reader = Reader(ROOT, Implementation(ROOT / "solutions", reference=ROOT / "solutions"), broken)
    server = ServerThread(reader)
    try:
        page, problems = open_page(browser, server.url)
        assert "is not a Keras model file" in page.locator(".problem").inner_text()
        for _ in range(2):  # and again: the server keeps running
            draw(page, [[(100.0, 100.0), (300.0, 300.0)]])
            text = page.locator("#answer").inner_text()
            assert "broken.keras is not a Keras model file" in text, text
        page.close()
    finally:
        server.stop()
    lines = [line for line in capfd.readouterr().err.splitlines() if "broken.keras" in line]
    assert len(lines) == 2 and all(line.startswith("mnist-course draw: ") for line in lines), lines
    assert not unexpected(problems), problems


def test_a_lesson_not_written_yet_is_said_on_the_page(browser, pristine_stubs, model_path, capfd):
    from mnist_course.draw.reading import Reader
    from mnist_course.training.pipeline import Implementation

    server = ServerThread(Reader(ROOT, Implementation(pristine_stubs, reference=ROOT / "solutions"), model_path))
    try:
        page, problems = open_page(browser, server.url)
        draw(page, [[(200.0, 80.0), (200.0, 320.0)]])
        text = " ".join(page.locator("#answer").inner_text().split())
        assert "read_image() is not written yet" in text and "pytest checks/lesson_07" in text, text
        page.close()
    finally:
        server.stop()
    err = capfd.readouterr().err
    assert re.search(r"^mnist-course draw: your drawing: Lesson 07 .* read_image\(\) is not written yet", err, re.M)
    assert "Traceback" not in err
    assert not unexpected(problems), problems


def test_a_lesson_function_that_fails_is_said_on_the_page(browser, model_path, tmp_path, capfd):
    from mnist_course.draw.reading import Reader
    from mnist_course.training.pipeline import Implementation

    mine = tmp_path / "lessons"
    mine.mkdir()
    source = (ROOT / "solutions" / "lesson_07_predict.py").read_text(encoding="utf-8")
    broken = source.replace("def predict_digit(model, image):\n",
                            "def predict_digit(model, image):\n    return model.guess(image)\n", 1)
    assert broken != source
    (mine / "lesson_07_predict.py").write_text(broken, encoding="utf-8")
    server = ServerThread(Reader(ROOT, Implementation(mine, reference=ROOT / "solutions"), model_path))
    try:
        page, problems = open_page(browser, server.url)
        for _ in range(2):  # and again: the server keeps running
            draw(page, [[(200.0, 80.0), (200.0, 320.0)]])
            text = " ".join(page.locator("#answer").inner_text().split())
            assert "predict_digit()" in text and "guess" in text, text
        page.close()
    finally:
        server.stop()
    err = capfd.readouterr().err
    lines = [line for line in err.splitlines() if "predict_digit()" in line]
    assert len(lines) == 2 and all(line.startswith("mnist-course draw: your drawing: ") for line in lines), err
    assert "Traceback" not in err
    assert not unexpected(problems), problems


# --- Accessibility ---------------------------------------------------------------------------------

CONTROLS = ["undo", "clear", "read", "file", "camera"]  # in reading order; the webcam's come later
LIVE = "[aria-live='polite'], [aria-live='assertive'], [role='status'], [role='alert']"


def focused(page) -> dict:
    """The focused element: its id, and whether a focus ring is drawn around it."""
    return page.evaluate("""() => {
        const element = document.activeElement, style = getComputedStyle(element);
        return {id: element.id || element.tagName.toLowerCase(),
                ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2};
    }""")


def tab_to(page, wanted: str, limit: int = 20) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page)["id"] == wanted:
            return
    raise AssertionError(f"Tab never reached #{wanted}")


def test_the_page_works_with_the_keyboard_alone(server, browser, reference):
    photo = ROOT / "examples" / "seven-thick-marker.png"
    expected = reference.read(photo.read_bytes()).digit
    page, problems = open_page(browser, server.url)
    # File choosers are caught from now on: Playwright turns catching them on without waiting
    # for the browser to agree, so a chooser opened at once could slip by (puppeteer#6040).
    choosers = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))
    # Tab goes through every control, in reading order, each with its focus ring, and around.
    reached = []
    for _ in range(len(CONTROLS) + 1):
        page.keyboard.press("Tab")
        reached.append(focused(page))
    page.keyboard.press("Tab")
    assert [element["id"] for element in reached] == CONTROLS + ["body"], reached
    assert focused(page)["id"] == CONTROLS[0], "Tab does not come back to the first control"
    assert all(element["ring"] for element in reached[:-1]), f"a control shows no focus ring: {reached}"

    # The answer is announced: one live region, there from the start and updated in place
    # (a region put on the page with its text is not read out).
    live = page.locator(LIVE)
    assert live.count() == 1, f"{live.count()} live regions"
    live.evaluate("region => { region.dataset.presentAtLoad = 'yes'; }")

    # The photo: Tab on to the file input, Space opens the file chooser.
    tab_to(page, "file")
    page.keyboard.press("Space")
    wait_in_page(page, lambda: choosers)
    assert len(choosers) == 1, (
        f"Space on the file input opened {len(choosers)} file choosers; focus on {focused(page)}, "
        f"page focused: {page.evaluate('document.hasFocus()')}"
    )
    choosers[0].set_files(str(photo))
    wait_for_answer(page)
    said = " ".join(live.inner_text().split())
    assert re.fullmatch(rf"Your model reads {expected} \(\d+% sure\)\.", said), said
    assert live.get_attribute("data-present-at-load") == "yes", "the live region was replaced"
    assert page.locator("#answer").get_attribute("data-digit") == str(expected) == "7"

    # The webcam (Chromium's fake one): Enter opens it, the focus moves to "Take the photo" as
    # soon as it plays, Enter takes it, and "Close the webcam" gives the focus back.
    tab_to(page, "camera")
    before = int(page.locator("#answer").get_attribute("data-count"))
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'snap'", timeout=15_000)
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => Number(document.querySelector('#answer').dataset.count) > {before}")
    wait_for_answer(page)
    assert live.inner_text().strip(), "the webcam photo's answer is not in the live region"
    page.keyboard.press("Tab")
    assert focused(page) == {"id": "camera-off", "ring": True}
    page.keyboard.press("Enter")
    assert page.locator("#camera-panel").is_hidden()
    assert focused(page)["id"] == "camera"
    page.close()
    assert not unexpected(problems), problems


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violation(server, browser, scheme):
    page = browser.new_page(viewport={"width": 1100, "height": 900}, color_scheme=scheme)
    page.goto(server.url, wait_until="networkidle")
    found = {"at start": serious_accessibility_problems(page)}
    page.set_input_files("#file", str(ROOT / "examples" / "seven-thick-marker.png"))
    wait_for_answer(page)  # the answer, the 28x28 image and the ten bars
    found["with an answer"] = serious_accessibility_problems(page)
    page.click("#clear")
    page.click("#read")
    wait_for_answer(page)  # an error: the canvas is empty
    assert page.locator("#answer").get_attribute("data-state") == "error"
    found["with an error"] = serious_accessibility_problems(page)
    page.close()
    assert not any(found.values()), found


def test_ctrl_c_stops_the_server_with_one_line(server):
    assert server.stop() == 0
    assert server.out[-1] == "Stopped.", server.out[-3:]
    assert not any("Traceback" in line for line in server.err), server.err
