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

pytest_plugins = ["pytester"]  # runs the learner checks in-process (see test_mistakes.py)


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


@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> Path:
    """A small reference MLP trained for a few seconds on 10,000 MNIST images."""
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
