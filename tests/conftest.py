"""Shared helpers for the course's own tests (not the learner's checks)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mnist_course.course import LESSONS
from mnist_course.course.stubs import expected_stubs

from companion_course import copy_course  # noqa: F401 - also used by tests that import it from here

ROOT = Path(__file__).resolve().parents[1]

pytest_plugins = ["pytester"]  # runs the learner checks in-process (see mistakes_harness.py)


def run_learner_checks(*args: str, cwd: Path = ROOT, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run `pytest checks ...` as a learner would, in a fresh interpreter."""
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args]
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=os.environ.copy()
    )


@pytest.fixture(scope="session")
def pristine_stubs(tmp_path_factory) -> Path:
    """A folder of freshly generated stubs, whatever the learner did to lessons/."""
    folder = tmp_path_factory.mktemp("pristine-stubs")
    for path, text in expected_stubs(ROOT).items():
        (folder / path.name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def heavy_libraries():
    """Import the big libraries once, before pytester snapshots sys.modules.

    pytester removes modules a nested run imported; TensorFlow cannot be imported twice
    in one process, so it must already be here when the first nested run starts.
    """
    import cv2  # noqa: F401
    import keras  # noqa: F401
    import matplotlib.pyplot  # noqa: F401
    import pandas  # noqa: F401
    import seaborn  # noqa: F401
    import sklearn.metrics  # noqa: F401
    import sklearn.model_selection  # noqa: F401


@pytest.fixture(scope="session")
def lesson_numbers() -> list[str]:
    return list(LESSONS)


@pytest.fixture
def scratch_course(tmp_path) -> Path:
    """A private copy of the course, so a test can train, reset or edit without touching ours."""
    return copy_course(tmp_path / "course")


def run_cli(*args: str, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run `mnist-course ARGS` as a learner would, from `cwd`."""
    return subprocess.run(
        [sys.executable, "-m", "mnist_course.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=os.environ.copy(),
    )


@contextlib.contextmanager
def chromium(*extra_args: str):
    """Debian's Chromium driven by Playwright, as the browser tests use it.

    Missing in CI is a failure (.ci/run installs it); elsewhere the browser tests are skipped.
    """
    from mnist_course.browser import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=[*CHROMIUM_ARGS, *extra_args]
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def model_path(tmp_path_factory) -> Path:
    """A small reference MLP trained for a few seconds on 10,000 MNIST images.

    Once per worker: the tests only read it (test_draw*.py, test_predict_cli.py)."""
    import keras

    from mnist_course.course import load_lesson

    (x, y), _ = load_lesson(ROOT / "solutions", "01").load_mnist()
    keras.utils.set_random_seed(0)
    lesson04 = load_lesson(ROOT / "solutions", "04")
    model = lesson04.compile_model(lesson04.build_model((128,)), learning_rate=2e-3)
    model.fit(x[:10000] / 255.0, y[:10000], epochs=4, batch_size=128, verbose=0)
    path = tmp_path_factory.mktemp("model") / "quick.keras"
    model.save(path)
    return path
