"""Pytest plumbing for the learner checks in `checks/` (loaded by `checks/conftest.py`).

- Chooses which implementation the checks test: `lessons/` (default), `--solutions`, or
  `--impl DIR` (any folder with the same file names; the course's own tests use it to
  try broken variants).
- Gives checks the learner's lesson module, the reference modules of earlier lessons,
  and MNIST (small seeded subsets where the full set is not needed).
- Rewrites failure reports into teaching messages: no traceback for a stub or a failed
  expectation, and only the learner's own lines when their code raises.
"""

from __future__ import annotations

import traceback
from pathlib import Path

import numpy as np
import pytest

from mnist_course.checking import CheckFailure
from mnist_course.course import LESSONS, CourseError, find_course_root, implementation_folder, lesson, load_module
from mnist_course.hints import hint_levels
from mnist_course.quiet import strip_noise
from mnist_course.stubs import STUB_PREFIX

__all__ = [
    "pytest_addoption",
    "pytest_configure",
    "pytest_report_header",
    "pytest_runtest_makereport",
    "impl_dir",
    "learner",
    "reference",
    "mnist",
    "small_train",
    "small_test",
]

# The course being checked is the one pytest runs in (set by pytest_configure), not the
# folder this package happens to be installed from: a copy of the course, or a learner's
# clone using a shared install, must check its own lessons/.
ROOT: Path = Path.cwd()
SOLUTIONS: Path = ROOT / "solutions"


def pytest_configure(config):
    global ROOT, SOLUTIONS
    try:
        ROOT = find_course_root(config.rootpath)
    except CourseError as error:
        raise pytest.UsageError(str(error)) from None
    SOLUTIONS = ROOT / "solutions"


def pytest_addoption(parser):
    group = parser.getgroup("mnist-course")
    group.addoption(
        "--solutions", action="store_true", help="check the reference code in solutions/"
    )
    group.addoption(
        "--impl", metavar="DIR", default=None, help="check the lesson modules in DIR instead"
    )


def implementation_dir(config) -> Path:
    try:
        return implementation_folder(
            ROOT, config.getoption("--solutions"), config.getoption("--impl")
        )
    except CourseError as error:
        raise pytest.UsageError(str(error)) from None


class LessonImportError(Exception):
    """The learner's lesson file could not even be imported."""


def _load(folder: Path, number: str):
    path = folder / lesson(number).filename
    try:
        return load_module(path)
    except CourseError:
        raise LessonImportError(f"{path} is missing: restore it with `mnist-course reset {number}`")
    except SyntaxError as error:
        raise LessonImportError(
            f"{path.name} line {error.lineno} has a syntax error: {error.msg}\n"
            f"    {(error.text or '').rstrip()}"
        ) from None
    except Exception as error:  # noqa: BLE001 - anything at import time is the learner's to see
        raise LessonImportError(
            f"importing {path.name} raised {type(error).__name__}: {error}"
        ) from None


@pytest.fixture(scope="session")
def impl_dir(request) -> Path:
    return implementation_dir(request.config)


@pytest.fixture(scope="session")
def learner(impl_dir):
    """learner("02") -> the lesson 02 module being checked."""
    return lambda number: _load(impl_dir, number)


@pytest.fixture(scope="session")
def reference():
    """reference("01") -> the reference module, for inputs that earlier lessons produce."""
    return lambda number: _load(SOLUTIONS, number)


@pytest.fixture(scope="session")
def mnist():
    """The full MNIST arrays, uint8: from MNIST_PATH, the file the course remembers, or Keras."""
    from mnist_course import data  # the course's validated loader (lesson 01 uses it too)

    found = data.problem(ROOT)  # headers only: a missing file is said first, and plainly
    if found is None:
        try:
            return data.load_mnist_data(ROOT)
        except data.MnistFileError as error:
            found = str(error)
    pytest.fail(f"The checks need MNIST and cannot load it. {found}", pytrace=False)


def seeded_subset(x, y, n, seed=0):
    """`n` examples drawn without replacement, the same ones for the same seed."""
    index = np.random.default_rng(seed).choice(len(x), size=n, replace=False)
    return x[index], y[index]


@pytest.fixture(scope="session")
def small_train(mnist):
    """5,000 seeded training images (float32 in [0, 1]) and labels: enough to prove learning."""
    (x_train, y_train), _ = mnist
    x, y = seeded_subset(x_train, y_train, 5000, seed=0)
    return x.astype(np.float32) / 255.0, y


@pytest.fixture(scope="session")
def small_test(mnist):
    """2,000 seeded test images (float32 in [0, 1]) and labels."""
    _, (x_test, y_test) = mnist
    x, y = seeded_subset(x_test, y_test, 2000, seed=1)
    return x.astype(np.float32) / 255.0, y


# --- Reports ------------------------------------------------------------------------------


def _lesson_of(item):
    for part in reversed(Path(str(item.fspath)).parts):
        if part.startswith("lesson_") and part[7:9] in LESSONS:
            return LESSONS[part[7:9]]
    return None


def _learner_frames(excinfo, impl: Path):
    """The traceback frames that run code in the implementation being checked."""
    frames = traceback.extract_tb(excinfo.tb)
    return [frame for frame in frames if Path(frame.filename).resolve().parent == impl]


def _short(text: str, limit: int = 600) -> str:
    text = str(text).strip()
    lines = text.splitlines()
    if len(lines) > 6:
        text = "\n".join(lines[:6]) + "\n    ..."
    return text if len(text) <= limit else text[:limit] + " ..."


def _teaching_report(item, excinfo) -> str | None:
    unit = _lesson_of(item)
    if unit is None:
        return None
    impl = implementation_dir(item.config)
    shown = impl.relative_to(ROOT) if impl.is_relative_to(ROOT) else impl
    error = excinfo.value
    header = unit.label
    more = f"  stuck?    docs/{unit.page} · mnist-course hint {unit.number}"

    if isinstance(error, CheckFailure):
        lines = [
            f"{header} · {error.function}()",
            f"  expected: {error.expected}",
            f"  seen:     {error.seen}",
        ]
        if error.hint:
            lines.append(f"  hint:     {error.hint}")
        lines.append(more + f" {error.function}")
        return "\n".join(lines)

    if isinstance(error, LessonImportError):
        return f"{header}\n  {error}\n  Fix that line, save, and run the check again."

    if isinstance(error, NotImplementedError) and STUB_PREFIX in str(error):
        frames = _learner_frames(excinfo, impl)
        function = frames[-1].name if frames else "this function"
        levels = hint_levels(ROOT, unit.number, function)
        lines = [
            f"{header} · {function}() is not implemented yet.",
            f"  Write it in {shown}/{unit.filename}: its docstring is the spec.",
            f"  Guide: docs/{unit.page}",
        ]
        if levels:
            lines.append(f"  Nudge: {levels[0]}")
        lines.append(f"  More hints: mnist-course hint {unit.number} {function}")
        return "\n".join(lines)

    frames = _learner_frames(excinfo, impl)
    if not frames:
        return None  # a failure outside the learner's code: keep pytest's full report
    last = frames[-1]
    lines = [
        f"{header} · {last.name}()",
        f"  your code raised {type(error).__name__}: {_short(error)}",
    ]
    for frame in frames[-3:]:
        lines.append(f"    {shown}/{Path(frame.filename).name}:{frame.lineno} in {frame.name}")
        if frame.line:
            lines.append(f"        {frame.line}")
    lines.append("  hint:     read the line above and the function's docstring (the spec).")
    lines.append(more + f" {last.name}")
    return "\n".join(lines)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and call.excinfo is not None:
        message = _teaching_report(item, call.excinfo)
        if message is not None:
            report.longrepr = message
    # TensorFlow's native start-up lines are not the learner's business (see quiet.py).
    sections = [(title, strip_noise(text)) for title, text in report.sections]
    report.sections = [(title, text) for title, text in sections if text.strip()]
    return report


def pytest_report_header(config):
    impl = implementation_dir(config)
    from mnist_course.data import chosen_file

    path, source = chosen_file(ROOT)
    data = f"{path}" + ("" if source == "MNIST_PATH" else f" ({source})") if path else source
    return [f"mnist-course: checking {impl}", f"mnist-course: MNIST from {data}"]
