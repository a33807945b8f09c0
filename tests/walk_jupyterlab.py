"""A new learner in JupyterLab: lesson 02's notebook, normalize red, then green (headless Chromium).

In a scratch copy of the course: `mnist-course notebooks --build-only`, then JupyterLab on
127.0.0.1 with a token, driven by Playwright in Debian's Chromium. The learner runs every
cell (each check cell turns red: nothing is written yet), types a first attempt at
`normalize` that forgets to divide by 255 and runs its check (red, with the teaching
message), fixes it and runs the check again (green, saved into lessons/). Screenshots of
each step go to `artifacts/screenshots/notebook-02-*.png`. Then lesson 05's notebook,
with every function written, is run: its "Try it" cell trains with Keras' progress bar and
draws the history inline (`notebook-05-try-it-training.png`).

A walk a maintainer runs, not part of the test suite: it needs the `notebook` extra
(JupyterLab), which the `dev` extra leaves out to keep CI's install lean, and takes a few
minutes. Run it after changing the notebook edition, then look at the screenshots:

    pip install -e .[notebook]
    python tests/walk_jupyterlab.py

It stops with an error at the first step that does not look as a learner should see it.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from mnist_course.browser import CHROMIUM, CHROMIUM_ARGS

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
WRONG = "    return np.asarray(images, dtype=np.float32)\n"
RIGHT = "    return np.asarray(images, dtype=np.float32) / 255\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_lab(course: Path, port: int, token: str) -> subprocess.Popen:
    folder = course / ".course" / "notebooks"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    lab = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}",
         *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],  # CI runs as root
        cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
            return lab
        except OSError:
            time.sleep(0.5)
    lab.kill()
    raise RuntimeError("JupyterLab did not start within 120 s")


def walk(course: Path, shots: Path) -> dict[str, str]:
    """Drive lesson 02's notebook as a learner; return what each check showed."""
    from playwright.sync_api import sync_playwright

    subprocess.run([sys.executable, "-m", "mnist_course.cli", "notebooks", "--build-only"], cwd=course, check=True,
                   env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True)
    import nbformat

    notebook = nbformat.read(course / ".course" / "notebooks" / "lesson_02_prepare.ipynb", as_version=4)
    stub = next(cell.source for cell in notebook.cells if cell.source.startswith("def normalize("))
    # Lesson 05 as a learner who has written every function: its "Try it" trains in the page.
    from test_notebooks import fill, reference_function
    from mnist_course.course.stubs import solution_functions

    training = course / ".course" / "notebooks" / "lesson_05_train.ipynb"
    names = solution_functions((ROOT / "solutions" / "lesson_05_train.py").read_text(encoding="utf-8"))
    filled = fill(nbformat.read(training, as_version=4), {name: reference_function("05", name) for name in names})
    nbformat.write(filled, training)
    port, token = free_port(), secrets.token_hex(16)
    lab = start_lab(course, port, token)
    seen = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1300, "height": 950})
            page.goto(f"http://127.0.0.1:{port}/lab/tree/lesson_02_prepare.ipynb?token={token}")
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
            _choose_kernel(page)
            news = page.get_by_role("button", name="No", exact=True)
            if news.count():
                news.first.click()  # the "Jupyter news?" toast would cover the outputs

            try:
                _steps(page, shots, stub, seen)
                page.goto(f"http://127.0.0.1:{port}/lab/tree/lesson_05_train.ipynb?token={token}")
                page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
                _choose_kernel(page)
                _run_all(page)
                try_it = page.locator(".jp-CodeCell").filter(has_text="# Try it").first
                try_it.locator(".jp-OutputArea-output img").last.wait_for(timeout=300_000)
                seen["training"] = try_it.locator(".jp-OutputArea").text_content()
                try_it.locator(".jp-OutputArea-output img").last.scroll_into_view_if_needed()
                page.mouse.wheel(0, -300)
                time.sleep(0.5)
                page.screenshot(path=str(shots / "notebook-05-try-it-training.png"))
            except Exception:
                page.screenshot(path=str(shots / "notebook-02-failed.png"))
                raise
            browser.close()
    finally:
        lab.terminate()
        try:
            lab.wait(timeout=20)
        except subprocess.TimeoutExpired:
            lab.kill()
    return seen


def _choose_kernel(page) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    select = page.get_by_role("button", name="Select", exact=True)
    try:  # JupyterLab may ask which kernel to use the first time: the preselected Python 3
        select.wait_for(timeout=15_000)
        select.click()
    except PlaywrightTimeout:
        pass


def _run_all(page) -> None:
    page.get_by_role("menuitem", name="Run").click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


def _steps(page, shots: Path, stub: str, seen: dict) -> None:
    # 1. Run every cell, as a learner trying the notebook out would: every check is red.
    _run_all(page)
    check = page.locator(".jp-CodeCell").filter(has_text='check("normalize")').first
    check.locator(".mnist-course-fail").wait_for(timeout=120_000)
    page.locator(".jp-CodeCell").filter(has_text="check()").last.locator(
        ".jp-OutputArea-output").wait_for(timeout=120_000)
    check.scroll_into_view_if_needed()
    seen["stub"] = check.locator(".jp-OutputArea").text_content()
    page.screenshot(path=str(shots / "notebook-02-1-stub-red.png"))

    # 2. A first attempt that forgets to divide by 255, then 3. the fix.
    for step, body, verdict in (("2-wrong-red", WRONG, "did you divide by 255?"),
                                ("3-right-green", RIGHT, "checks pass")):
        cell = page.locator(".jp-CodeCell").filter(has_text="def normalize(").first
        cell.locator(".cm-content").click()
        page.keyboard.press("Control+a")  # the whole cell: spec kept, the `raise` replaced
        page.keyboard.insert_text(stub[: stub.index("    raise NotImplementedError")] + body.rstrip("\n"))
        page.keyboard.press("Shift+Enter")  # run the function's cell; the check cell is next
        page.keyboard.press("Shift+Enter")  # run the check
        check.locator(".jp-OutputArea", has_text=verdict).wait_for(timeout=180_000)
        cell.scroll_into_view_if_needed()
        page.mouse.wheel(0, 250)
        time.sleep(0.5)
        seen[step] = check.locator(".jp-OutputArea").text_content()
        page.screenshot(path=str(shots / f"notebook-02-{step}.png"))


def a_learner_fills_in_normalize_in_jupyterlab(tmp_path):
    import jupyterlab  # noqa: F401 - the `notebook` extra: say so at once when it is missing

    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium")
    sys.path.insert(0, str(TESTS))
    from companion_course import copy_course

    course = copy_course(tmp_path / "course")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    seen = walk(course, SCREENSHOTS)
    assert "normalize() is not implemented yet" in seen["stub"]
    assert "did you divide by 255?" in seen["2-wrong-red"]
    assert "all" in seen["3-right-green"] and "checks pass" in seen["3-right-green"]
    assert "Epoch 3/3" in seen["training"]
    saved = (course / "lessons" / "lesson_02_prepare.py").read_text(encoding="utf-8")
    assert RIGHT.strip() in saved


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        a_learner_fills_in_normalize_in_jupyterlab(Path(scratch))
    print(f"screenshots in {SCREENSHOTS}")
