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

import inspect
import io
import os
import re
import signal
import threading
import traceback
import zipfile
from pathlib import Path

import numpy as np
import pytest

from mnist_course.course.workspace import Workspace, broken_link, relative, write_atomically
from mnist_course.course import (
    LESSONS, CourseError, ImportSideEffect, find_course_root, implementation_folder, lesson, load_module,
)
from mnist_course.course.hints import hint_levels
from mnist_course.check_support.outcome import (
    OUTCOME_KEY, LearnerExit, LearnerInterrupt, LessonImportError, classify, short,
)
from mnist_course.check_support.quiet import strip_noise, trim_captured
from mnist_course.check_support import quick_exit
from mnist_course.check_support.patience import Patience

__all__ = [
    "pytest_addoption",
    "pytest_configure",
    "pytest_report_header",
    "pytest_runtest_makereport",
    "pytest_runtest_protocol",
    "pytest_runtest_setup",
    "pytest_runtest_call",
    "pytest_sessionfinish",
    "pytest_collection_modifyitems",
    "course",
    "impl_dir",
    "learner",
    "reference",
    "mnist",
    "small_subsets",
    "small_train",
    "small_test",
    "drawn",
    "temporary_files_the_worker_can_read",
]

# The course being checked is the one pytest runs in, not the folder this package happens
# to be installed from: a copy of the course, or a learner's clone using a shared install,
# must check its own lessons/. It is found once per run and kept in pytest's stash.
COURSE = pytest.StashKey[Workspace]()
PATIENCE = pytest.StashKey["Patience | None"]()


def pytest_sessionfinish(session):
    if session.config.getoption("--isolated", default=False):
        from mnist_course.grading.processes import end_descendants
        from mnist_course.grading.remote import Zygote

        for stand_in in session.config.stash.get(REMOTES, {}).values():
            stand_in._worker.close()
        if Zygote.instance is not None:
            Zygote.instance.close()
        end_descendants()  # no process the learner's code started outlives the grade
    # Records the run's end for the quick exit (quick_exit.py), armed in pytest_configure.
    quick_exit.pytest_sessionfinish(session)


def pytest_configure(config):
    quick_exit.install(config)
    if threading.current_thread() is threading.main_thread() and \
            signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _ctrl_c)  # tells a real Ctrl-C from a raised KeyboardInterrupt
    if config.getoption("--isolated", default=False):
        from mnist_course.grading.processes import become_subreaper, hide_from_workers, limit_grader

        from mnist_course.grading.remote import Zygote

        become_subreaper()  # a process the learner's code hides from its worker's group is ours to end
        hide_from_workers()
        limit_grader()
        # The zygote imports TensorFlow on the other core while this process collects the checks.
        named = {part[7:9] for arg in config.args for part in Path(arg).parts if part.startswith("lesson_")}
        Zygote.prepare(heavy=not named or any(needs_keras(number) for number in named))
    try:
        config.stash[COURSE] = Workspace(find_course_root(config.rootpath))
    except CourseError as error:
        raise pytest.UsageError(str(error)) from None
    if not config.getoption("--isolated", default=False):
        config.stash[PATIENCE] = Patience.install(config, config.stash[COURSE].root)
    reported = getattr(config.option, "reportchars", None)
    if isinstance(reported, str) and "s" not in reported.lower() and "a" not in reported.lower():
        # A check skipped because another one says what to fix names that one: with `-q`, pytest
        # would show only "1 skipped" and leave the learner to guess why.
        config.option.reportchars = reported + "s"


@pytest.fixture(scope="session", autouse=True)
def temporary_files_the_worker_can_read(request, tmp_path_factory):
    """When a grade's workers run as a user of their own (grading.processes.WORKER_USER_ENV),
    the files a check makes for the learner's function (a photo in tmp_path, say) must be
    theirs to read: pytest makes its temporary folders for its own user only (0700)."""
    from mnist_course.grading.processes import worker_user

    if not request.config.getoption("--isolated", default=False) or worker_user() is None:
        return
    tmp_path_factory.getbasetemp().chmod(0o711)  # --basetemp, in a folder of the grade's (runner.py)
    make = tmp_path_factory.mktemp

    def mktemp(basename: str, numbered: bool = True) -> Path:
        made = make(basename, numbered)
        made.chmod(0o755)
        return made

    tmp_path_factory.mktemp = mktemp


def course_of(config) -> Workspace:
    return config.stash[COURSE]


def pytest_addoption(parser):
    group = parser.getgroup("mnist-course")
    group.addoption(
        "--solutions", action="store_true", help="check the reference code in solutions/"
    )
    group.addoption(
        "--impl", metavar="DIR", default=None, help="check the lesson modules in DIR instead"
    )
    group.addoption(
        "--isolated",
        action="store_true",
        help="run the lesson code in a worker process of its own, out of the checks' reach "
        "(how `mnist-course report` grades)",
    )
    group.addoption(
        "--check-seed", metavar="N", type=int, default=None,
        help="the seed of the inputs the checks draw for this run (default: a new one each run)",
    )


def implementation_dir(config) -> Path:
    try:
        return implementation_folder(
            course_of(config).root, config.getoption("--solutions"), config.getoption("--impl")
        )
    except CourseError as error:
        raise pytest.UsageError(str(error)) from None


def _load(folder: Path, number: str):
    path = folder / lesson(number).filename
    broken = broken_link(path, lesson(number))
    if broken:
        raise LessonImportError(broken.removesuffix("."))
    try:
        return load_module(path)
    except CourseError:
        if path.is_dir():  # reset would not write over a folder: it may hold the learner's files
            raise LessonImportError(
                f"{path} is a folder, not the lesson's file: rename the folder, then "
                f"`mnist-course reset {number}` writes the file"
            ) from None
        raise LessonImportError(f"{path} is missing: if it was deleted by mistake, `git checkout "
                                f"-- lessons/{path.name}` brings back what you last committed; "
                                f"`mnist-course reset {number}` writes a fresh stub")
    except ImportSideEffect as error:
        raise LessonImportError(str(error)) from None
    except SyntaxError as error:
        if error.lineno is None:  # no line to show: zero bytes, as in a file saved as UTF-16
            raise LessonImportError(
                f"{path.name} is not UTF-8 text ({error.msg}): save it as UTF-8, the encoding "
                "Python reads its files in"
            ) from None
        raise LessonImportError(
            f"{path.name} line {error.lineno} has a syntax error: {error.msg}\n"
            f"    {(error.text or '').rstrip()}"
        ) from None
    except (SystemExit, LearnerExit) as error:
        raise LessonImportError(
            f"importing {path.name} ended the program ({type(error).__name__}): a lesson file only "
            "defines functions. Remove the exit call, or put code you want to try by hand under "
            "`if __name__ == \"__main__\":`."
        ) from None
    except Exception as error:  # noqa: BLE001 - anything at import time is the learner's to see
        # pytest's words for input() while it captures the output
        if isinstance(error, OSError) and "reading from stdin" in str(error):
            raise LessonImportError(
                f"importing {path.name} asked for typed input (input() outside a function): the "
                "checks have no keyboard. Remove it, or put code you want to try by hand under "
                "`if __name__ == \"__main__\":`."
            ) from None
        raise LessonImportError(
            f"importing {path.name} raised {type(error).__name__}: {short(error, 300)}"
        ) from None


@pytest.fixture(scope="session")
def course(request) -> Workspace:
    """The course being checked: its paths, and where the checks may keep files (.course/)."""
    return course_of(request.config)


@pytest.fixture(scope="session")
def impl_dir(request) -> Path:
    return implementation_dir(request.config)


@pytest.fixture(scope="session")
def learner(request, impl_dir):
    """learner("02") -> the lesson 02 module being checked, its functions failing a call that
    changes what they were given (`untouched`).

    With `--isolated` (grading), a stand-in whose functions run in a worker process of
    their own (`mnist_course.grading.remote`); the checks use both the same way.
    """
    if not request.config.getoption("--isolated"):
        from mnist_course.check_support.untouched import WatchedLesson

        return lambda number: WatchedLesson(_load(impl_dir, number))
    from mnist_course.grading.remote import SeedsSet

    SeedsSet.watch()  # the check modules have imported Keras by now, if any lesson uses it
    return lambda number: remote_lesson(request.config, number)


REMOTES = pytest.StashKey[dict]()


def remote_lesson(config, number: str):
    """The stand-in for lesson `number` when grading: one worker process per lesson."""
    from mnist_course.grading.remote import RemoteLesson

    remotes = config.stash.setdefault(REMOTES, {})
    if number not in remotes:
        impl = implementation_dir(config)
        remotes[number] = RemoteLesson(impl / lesson(number).filename, relative(impl, course_of(config).root))
    return remotes[number]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    """When grading, start the workers now: they import their lessons while the checks start."""
    if not config.getoption("--isolated", default=False):
        return
    from mnist_course.grading.remote import Zygote

    numbers = sorted({unit.number for unit in map(_lesson_of, items) if unit is not None})
    Zygote.prepare(heavy=any(needs_keras(number) for number in numbers))  # if configure could not
    for number in numbers:
        remote_lesson(config, number)._worker.launch()


CHECK_SEED = pytest.StashKey[int]()


def check_seed(config) -> int:
    """This run's seed for the inputs checks draw (`--check-seed`, else a fresh one)."""
    if CHECK_SEED not in config.stash:
        chosen = config.getoption("--check-seed")
        config.stash[CHECK_SEED] = chosen if chosen is not None else int.from_bytes(os.urandom(3), "big")
    return config.stash[CHECK_SEED]


@pytest.fixture
def drawn(request):
    """A random generator for inputs drawn afresh each run (a constant cannot pass them).

    Seeded from the run's `--check-seed` and the check's name, so a failure can be replayed
    with the seed the header (or the grade report) shows.
    """
    import hashlib

    name = int.from_bytes(hashlib.blake2b(request.node.nodeid.encode(), digest_size=8).digest(), "big")
    return np.random.default_rng([check_seed(request.config), name])


@pytest.fixture(scope="session")
def reference(request):
    """reference("01") -> the reference module, for inputs that earlier lessons produce."""
    solutions = course_of(request.config).solutions
    return lambda number: _load(solutions, number)


@pytest.fixture(scope="session")
def mnist(request):
    """The full MNIST arrays, uint8: from MNIST_PATH, the file the course remembers, or Keras."""
    from mnist_course.training import data  # the course's validated loader (lesson 01 uses it too)

    root = course_of(request.config).root
    found = data.problem(root)  # headers only: a missing file is said first, and plainly
    if found is None:
        try:
            return data.load_mnist_data(root)
        except data.MnistFileError as error:
            found = str(error)
    pytest.fail(f"The checks need MNIST and cannot load it. {found}", pytrace=False)


def seeded_subset(x, y, n, seed=0):
    """`n` examples drawn without replacement, the same ones for the same seed."""
    index = np.random.default_rng(seed).choice(len(x), size=n, replace=False)
    return x[index], y[index]


SMALL_SUBSETS = {"train": (5000, 0), "test": (2000, 1)}  # images, seed


def draw_small_subsets(full: dict) -> dict:
    """SMALL_SUBSETS drawn from `full` ({"train": (x, y), "test": (x, y)}), as given."""
    return {name: seeded_subset(*full[name], n, seed) for name, (n, seed) in SMALL_SUBSETS.items()}


@pytest.fixture(scope="session")
def small_subsets(request):
    """The seeded subsets behind small_train and small_test, as uint8 arrays.

    Reading all of MNIST costs more than most checks, so the subsets are kept in
    .course/cache/, tied to the MNIST file they came from (its path, size and time);
    any other file, or none, and they are drawn from the full set again.
    """
    from mnist_course.training import data

    path, _ = data.chosen_file(course_of(request.config).root)
    cache = course_of(request.config).check_cache / "mnist_small.npz"
    try:
        stat = path.resolve().stat()
        key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{sorted(SMALL_SUBSETS.items())}"
    except (AttributeError, OSError):  # no local file (Keras downloads it) or a missing one
        key = None
    if key is not None:
        try:
            with np.load(cache, allow_pickle=False) as saved:
                if str(saved["key"]) == key:
                    return {name: (saved[f"x_{name}"], saved[f"y_{name}"]) for name in SMALL_SUBSETS}
        except UNREADABLE_CACHE:
            pass
    (x_train, y_train), (x_test, y_test) = request.getfixturevalue("mnist")
    full = {"train": (x_train, y_train), "test": (x_test, y_test)}
    subsets = draw_small_subsets(full)
    if key is not None:
        arrays = {f"{axis}_{name}": pair[i] for name, pair in subsets.items() for i, axis in enumerate("xy")}
        save_npz_atomically(cache, key=np.array(key), **arrays)
    return subsets


# What np.load raises for a cache that is not what was saved: garbage, truncated, or empty
# (EOFError: a save cut short by a power cut leaves 0 bytes). Such a cache is made again.
UNREADABLE_CACHE = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile)


def save_npz_atomically(path: Path, **arrays) -> None:
    """np.savez to `path`, written whole or not at all; a read-only course simply keeps no cache."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    try:
        write_atomically(path, buffer.getvalue())
    except OSError:
        pass


@pytest.fixture(scope="session")
def small_train(small_subsets):
    """5,000 seeded training images (float32 in [0, 1]) and labels: enough to prove learning."""
    x, y = small_subsets["train"]
    return x.astype(np.float32) / 255.0, y


@pytest.fixture(scope="session")
def small_test(small_subsets):
    """2,000 seeded test images (float32 in [0, 1]) and labels."""
    x, y = small_subsets["test"]
    return x.astype(np.float32) / 255.0, y


# --- Reports ------------------------------------------------------------------------------


def needs_keras(number: str) -> bool:
    """Whether lesson `number`'s workers need TensorFlow (a lesson the course does not know might)."""
    unit = LESSONS.get(number)
    return unit is None or unit.needs_keras


def _lesson_of(item):
    for part in reversed(Path(str(item.fspath)).parts):
        if part.startswith("lesson_") and part[7:9] in LESSONS:
            return LESSONS[part[7:9]]
    return None


def _suspects(item, unit) -> tuple[str, ...]:
    """The learner functions a check uses, judged from its source and its fixtures' sources.

    Named in the check itself first, then in its fixtures; within each, the later lesson
    function first (a check of `compile_model` also builds a model with `build_model`).
    """
    try:
        order = course_of(item.config).functions(unit)
    except CourseError:
        return ()
    functions = [getattr(item, "function", None)]
    definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    for name in getattr(item, "fixturenames", ()):
        functions += [definition.func for definition in definitions.get(name, ())]
    found: list[str] = []
    for function in functions:
        try:
            text = inspect.getsource(function)
        except (OSError, TypeError):
            continue
        named = [name for name in order if re.search(rf"\b{name}\b", text)]
        found += [name for name in reversed(named) if name not in found]
    return tuple(found)


def _raised_in_plumbing(tb) -> bool:
    """True when the innermost frame of the traceback is this module's own code."""
    while tb.tb_next is not None:
        tb = tb.tb_next
    return Path(tb.tb_frame.f_code.co_filename).resolve() == Path(__file__).resolve()


def _teaching_report(item, excinfo, properties: list) -> tuple[str | None, str | None]:
    """The teaching message (None: keep pytest's report), and the import failure it is the
    first to tell in full (None when it is not one)."""
    unit = _lesson_of(item)
    if unit is None:
        return None, None
    ours = isinstance(excinfo.value, (LearnerExit, LessonImportError))  # raised here on purpose
    if not ours and _raised_in_plumbing(excinfo.tb):
        return None, None  # the course's own bug, not the learner's: keep pytest's full report
    course = course_of(item.config)
    impl = implementation_dir(item.config)
    shown = relative(impl, course.root)
    outcome = classify(
        excinfo.value, excinfo.tb, unit, impl, shown, _suspects(item, unit), Path(str(item.fspath))
    )
    properties.append((OUTCOME_KEY, outcome.to_json()))
    first_told = None
    if outcome.kind == "import":
        # Every check of the lesson fails the same way: say it in full once.
        told = item.config.stash.setdefault(_IMPORT_ERRORS_TOLD, set())
        if outcome.seen in told:
            return f"{unit.label}\n  {unit.filename} could not be imported: see the first failure above.", None
        told.add(outcome.seen)
        first_told = outcome.seen
    levels = hint_levels(course.root, unit.number, outcome.function) if outcome.stub else []
    return outcome.render(shown, nudge=levels[0] if levels else None), first_told


_IMPORT_ERRORS_TOLD = pytest.StashKey[set]()


def _forbidden_exit(status=0):
    raise LearnerExit(status)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """While a learner check runs, `os._exit()` raises instead of silently ending pytest.

    Otherwise a learner function that calls it makes pytest stop with exit code 0 and no
    output, which looks exactly like a pass.
    """
    real_exit = os._exit
    os._exit = _forbidden_exit
    patience = item.config.stash.get(PATIENCE, None)
    if patience is not None:
        patience.start(item)  # a check that runs on and on says so (patience.py)
    try:
        return (yield)
    finally:
        os._exit = real_exit
        if patience is not None:
            patience.stop()


_CTRL_C = {"pressed": False}


def _ctrl_c(signum, frame):
    _CTRL_C["pressed"] = True
    signal.default_int_handler(signum, frame)


def _told_if_raised_by_lesson():
    """A KeyboardInterrupt the learner's code raised itself, with no Ctrl-C pressed, fails its
    check with a teaching message; pytest would stop the whole run with its own banner."""
    try:
        return (yield)
    except KeyboardInterrupt as stop:
        lessons = {unit.filename for unit in LESSONS.values()}
        raised_by_lesson = any(Path(frame.filename).name in lessons
                               for frame in traceback.extract_tb(stop.__traceback__))
        if _CTRL_C["pressed"] or not raised_by_lesson:
            raise
        raise LearnerInterrupt().with_traceback(stop.__traceback__) from None


# A fixture may call the learner's function (setup), or the check itself (call).
pytest_runtest_setup = pytest.hookimpl(wrapper=True)(lambda item: (yield from _told_if_raised_by_lesson()))
pytest_runtest_call = pytest.hookimpl(wrapper=True)(lambda item: (yield from _told_if_raised_by_lesson()))


def _failed(call) -> bool:
    """True unless pytest will report this phase as passed, skipped or xfailed by pytest.xfail()
    (an xfail mark is only applied to the report: see pytest_runtest_makereport)."""
    if call.excinfo is None:
        return False
    return not isinstance(call.excinfo.value, (pytest.skip.Exception, pytest.xfail.Exception))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # The teaching message is written BEFORE pytest builds its report, and pytest is handed
    # it in place of the traceback it would format (source lines of every frame, deep into
    # Keras and NumPy): formatting that only to throw it away cost learners seconds per
    # failing check in lesson 07.
    message = first_told = None
    if _failed(call):
        before = len(item.user_properties)
        message, first_told = _teaching_report(item, call.excinfo, item.user_properties)
    if message is None:
        report = yield
    else:
        item.repr_failure = item._repr_failure_py = lambda *args, **kwargs: message
        try:
            report = yield
        finally:
            del item.repr_failure, item._repr_failure_py
        del item.user_properties[before:]  # the report has its copy; the next phase starts clean
        if not report.failed and first_told is not None:
            # Not a failure after all (an xfail mark turned it into "xfailed"): nothing was
            # shown, so the next check failing on the same import error must tell it in full.
            item.config.stash[_IMPORT_ERRORS_TOLD].discard(first_told)
        # A learner's mistake found while a fixture prepared the check (a missing
        # `return` in compile_model) is a failed check, not pytest's "ERROR at setup",
        # which reads as broken tooling.
        if report.when == "setup":
            report.when = "call"
    # TensorFlow's native start-up lines are not the learner's business (see quiet.py).
    # ...nor pages of what the learner's code printed, such as model.fit's progress bars.
    sections = [(title, trim_captured(strip_noise(text)) if title.startswith("Captured") else strip_noise(text))
                for title, text in report.sections]
    report.sections = [(title, text) for title, text in sections if text.strip()]
    return report


def pytest_report_header(config):
    impl = implementation_dir(config)
    from mnist_course.training.data import chosen_file

    path, source = chosen_file(course_of(config).root)
    data = f"{path}" + ("" if source == "MNIST_PATH" else f" ({source})") if path else source
    lines = [f"mnist-course: checking {impl}", f"mnist-course: MNIST from {data}",
             f"mnist-course: check seed {check_seed(config)} (--check-seed {check_seed(config)} repeats this run)"]
    if config.getoption("--isolated"):
        lines.append("mnist-course: lesson code runs in worker processes (--isolated)")
    return lines
