"""Shared helpers for the course's own tests (not the learner's checks)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from mnist_course.course import LESSONS
from mnist_course.course.stubs import expected_stubs

# A suite started in the background by a shell without job control (`cmd &` in a script, or
# `nohup ... &`) inherits SIGINT ignored, and so would every command the tests start: the
# tests that press Ctrl-C (progress, draw) would then wait for ever. A Python handler here
# comes back as the default action in those commands, as in a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

from companion_course import copy_course  # noqa: F401 - also used by tests that import it from here
from warm_python import TALLY, run_python

ROOT = Path(__file__).resolve().parents[1]

pytest_plugins = ["pytester"]  # runs the learner checks in-process (see mistakes_harness.py)


def overlap(a, b) -> float:
    """How much two 28x28 views of a digit share: the sum of their minimum over that of their maximum."""
    return float(np.minimum(a, b).sum() / np.maximum(a, b).sum())


def same_reading(lesson, plain, grey) -> float:
    """How much lesson 07's view of greys `grey` shares with its view of the RGB `plain` page."""
    import cv2  # only the picture tests need it

    return overlap(lesson.preprocess_digit(cv2.cvtColor(plain, cv2.COLOR_RGB2GRAY)), lesson.preprocess_digit(grey))


def run_learner_checks(*args: str, cwd: Path = ROOT, timeout: int = 600, fresh: bool = False
                       ) -> subprocess.CompletedProcess:
    """Run `pytest checks ...` as a learner would: forked from the warm Python (warm_python.py),
    or with `fresh` in an interpreter of its own, start-up and all."""
    command = ["-m", "pytest", "-p", "no:cacheprovider", *args]
    return run_python(command, cwd=cwd, env=os.environ.copy(), timeout=timeout, fresh=fresh)


@pytest.fixture(autouse=True)
def environment_restored():
    """Each test leaves the process environment as it found it.

    Code a test runs in-process may set names for the rest of the process: bench/run.py sets
    TF_CPP_MIN_LOG_LEVEL when imported, and so do the learner checks' support run in-process.
    Left there, they would reach every later command the test process starts, and a command
    whose environment differs in what start-up reads cannot fork from the warm Python.
    """
    before = dict(os.environ)
    yield
    if dict(os.environ) != before:
        os.environ.clear()
        os.environ.update(before)


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


def run_cli(*args: str, cwd: Path, timeout: int = 600, fresh: bool = False
            ) -> subprocess.CompletedProcess:  # fmt: skip
    """Run `mnist-course ARGS` as a learner would, from `cwd`: forked from the warm Python
    (warm_python.py), or with `fresh` in an interpreter of its own, start-up and all."""
    command = ["-m", "mnist_course.cli", *args]
    return run_python(command, cwd=cwd, env=os.environ.copy(), timeout=timeout, fresh=fresh)


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


def wait_in_page(page, done, timeout: float = 15.0) -> bool:
    """Wait until `done()` holds, for a condition kept by the page's event listeners.

    Playwright delivers a page's events only while a call waits on the browser, so the wait is
    short waits in the page. Returns whether `done()` held in time.
    """
    deadline = time.monotonic() + timeout
    while not done() and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    return bool(done())


def serious_accessibility_problems(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each.

    axe-core comes inside `axe-playwright-python` (nothing is fetched). Minor and moderate
    findings are left out: the site's theme has some (a landmark without a unique name).
    """
    need("axe_playwright_python")
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}: "
        + "; ".join(f"{node['target']} {node['html'][:120]}" for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


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


# --- The guide, generated once and built by each builder once per session ----------------------

@pytest.fixture(scope="session")
def generated_docs(tmp_path_factory) -> Path:
    """The guide's pages as the builders read them (`docs_build generate`), in a temporary folder.

    In a process of its own: drawing the figures (when `.course/docs-figures/` has none for this
    version) imports TensorFlow, and needs MNIST (`MNIST_PATH`).
    """
    out = tmp_path_factory.mktemp("generated") / "docs"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, "-m", "mnist_course.docs_build", "generate", "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, f"generating the guide failed:\n{(result.stdout + result.stderr)[-6000:]}"
    return out


def built_site(builder: str, generated: Path, project: Path) -> Path:
    """The generated pages, built by `builder` (with --strict) in the folder `project`."""
    import time

    from mnist_course.docs_build import DocsError, build, copy_generated

    copy_generated(generated, project)
    started = time.perf_counter()
    try:
        site = build(builder, ROOT, project)
    except DocsError as error:
        pytest.fail(str(error))
    print(f"\n{builder} build --strict: {time.perf_counter() - started:.1f} s")
    return site


def need(module: str) -> None:
    """Skip without `module`, except in CI, where the `dev` extra must have installed it."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        message = f"{module} is not installed: pip install -e .[dev]"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def zensical_site(generated_docs, tmp_path_factory) -> Path:
    need("zensical")
    return built_site("zensical", generated_docs, tmp_path_factory.mktemp("zensical"))


@pytest.fixture(scope="session")
def mkdocs_site(generated_docs, tmp_path_factory) -> Path:
    need("mkdocs")
    need("material")
    return built_site("mkdocs", generated_docs, tmp_path_factory.mktemp("mkdocs"))


# --- The order pytest-xdist deals the test files in ----------------------------------------------
#
# `python3 bootstrap.py test` runs `pytest tests -n auto --dist loadfile`: a worker takes one
# whole file at a time (a file's tests share its costly module fixtures) and the next file when
# it is nearly done. Left to itself, xdist deals the files with the most tests first, so the
# files of a few long tests (the bench, the determinism trainings) came last and one worker ran
# them alone while the other stood idle. Dealt longest first, the short files fill in the end.
#
# Seconds per file: setup, call and teardown of its tests, summed from `--durations=0` of a
# whole run from a fresh clone (2 cores, 2026-12-03 17:47-18:02 UTC: 1,728 s of tests in 876 s;
# the guide's figures drawn afresh, as in CI; CLI runs forked from warm_python.py). They
# only set the order: a stale figure costs a little balance, never a test. A file not listed
# counts a second per test. Refresh them when a file gains or loses a minute.
FILE_SECONDS = {
    "test_notebooks.py": 170,
    "test_docs_site.py": 152,
    "test_predict_cli.py": 130,
    "test_companion_time_limit.py": 88,
    "test_bench.py": 88,
    "test_grading.py": 86,
    "test_reliability_models.py": 78,
    "test_reliability_round3.py": 76,
    "test_reliability_cli.py": 76,
    "test_train_determinism.py": 66,
    "test_draw.py": 45,
    "test_draw_limits.py": 44,
    "test_companion_progress.py": 43,
    "test_graders.py": 42,
    "test_mistakes_lesson_07.py": 38,
    "test_checks_two_sided.py": 38,
    "test_warm_checks.py": 35,
    "test_mistakes_lesson_05.py": 33,
    "test_companion_watch.py": 32,
    "test_data.py": 31,
    "test_train_evaluate_cli.py": 28,
    "test_learning_checks.py": 27,
    "test_train_cnn_cli.py": 24,
    "test_notebook_extra.py": 22,
    "test_teaching_failures.py": 20,
    "test_docs_complete.py": 17,
    "test_companion_doctor.py": 15,
    "test_augmentation.py": 15,
    "test_companion_update.py": 14,
    "test_companion_parallel.py": 14,
    "test_smoothing.py": 13,
    "test_right_answers.py": 12,
    "test_companion_compare.py": 13,
    "test_mistakes_lesson_08.py": 12,
    "test_bootstrap.py": 11,
    "test_moved_modules.py": 10,
    "test_mistakes.py": 10,
    "test_mistakes_lesson_06.py": 9,
    "test_companion_reset.py": 9,
    "test_companion_hint.py": 8,
    "test_mistakes_lesson_02.py": 7,
    "test_dev_check.py": 7,
    "test_mistakes_lesson_04.py": 6,
    "test_companion_cli.py": 6,
    "test_quick_exit.py": 5,
    "test_mistakes_lesson_01.py": 5,
}


def pytest_configure(config):
    # xdist would sort the files again by their number of tests (--loadscope-reorder, its
    # default): keep the order pytest_collection_modifyitems gives them.
    if getattr(config.option, "loadscopereorder", None):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(config, items):
    """Longest files first (FILE_SECONDS); a file's own tests keep their order."""
    count: dict[Path, int] = {}
    for item in items:
        count[item.path] = count.get(item.path, 0) + 1

    def seconds(item) -> float:
        return FILE_SECONDS.get(item.path.name, count[item.path])

    items.sort(key=lambda item: -seconds(item))  # stable: ties keep pytest's order


# --- How the tests' command runs went (warm_python.py) --------------------------------------------


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: its tally goes to the controller
        workeroutput["warm_python"] = dict(TALLY)


@pytest.hookimpl(optionalhook=True)  # an xdist hook: the controller hears a worker's tally
def pytest_testnodedown(node, error):
    TALLY.update(getattr(node, "workeroutput", {}).get("warm_python", {}))


def pytest_terminal_summary(terminalreporter):
    """One line per way the runs went: a run that could have forked but went fresh is slow,
    never wrong, and this line says what kept it from the fork."""
    if TALLY:
        terminalreporter.write_sep("-", "mnist-course commands the tests ran")
        for why, count in sorted(TALLY.items(), key=lambda item: -item[1]):
            terminalreporter.write_line(f"{count:5d} {why}")
