"""Run the learner checks in a child pytest and collect what happened, lesson by lesson.

A child process, not `pytest.main()` in this one: a learner's lesson module is imported
afresh on every run (watch mode reruns after each save), and TensorFlow's start-up cost
and global state stay out of the command's own process. One child runs every lesson
asked for, so TensorFlow is imported once however many lessons are checked.

The child writes nothing into the course: no `.pytest_cache` (`-p no:cacheprovider`),
no `__pycache__` (`PYTHONDONTWRITEBYTECODE`).

Each lesson has a time limit (`limit` seconds, from its first check to its last): a
learner function that never returns ends the child (see `collector`), the check that was
running becomes a failure that names the function and its line, and a fresh child runs
the lessons that had not started yet. The parent keeps its own clock as a backstop.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from mnist_course.workspace import Workspace, relative
from mnist_course.course import LESSONS, CourseError, Lesson
from mnist_course.outcome import CheckOutcome
from mnist_course.quiet import strip_noise

# How the child's collector plugin hears from us (and we from it); kept here, not in the
# plugin, so this parent never imports pytest or NumPy.
RESULTS_ENV = "MNIST_COURSE_RESULTS"  # file of JSON-line events, written by the collector
LIMIT_ENV = "MNIST_COURSE_LESSON_LIMIT"  # seconds per lesson
DUMP_ENV = "MNIST_COURSE_TIMEOUT_DUMP"  # where faulthandler writes the stacks at the limit

# pytest exit codes that mean "pytest itself could not run", not "some checks failed".
PYTEST_BROKE = {2: "interrupted", 3: "internal error", 4: "usage error"}

DEFAULT_LIMIT = 120.0  # seconds per lesson: the slowest lesson takes ~30 s on a busy machine
BACKSTOP = 30.0  # the parent stops a child this long after the child's own limit should have
NOT_RUN = "not run"  # outcome of the checks after the one that hit the time limit


class ChecksCancelled(Exception):
    """The caller asked to stop the checks before they finished."""


@dataclass
class CheckResult:
    nodeid: str
    lesson: str | None
    outcome: str  # "passed", "failed", "skipped" or "not run" (after a time limit)
    check: CheckOutcome | None = None  # why it failed, as the checks classified it
    message: str = ""  # the teaching message the learner saw

    @property
    def function(self) -> str | None:
        """The learner's function a failure is about, if known."""
        return self.check.function if self.check else None

    @property
    def stub(self) -> bool:
        """Failed because the function is still the generated stub."""
        return bool(self.check and self.check.stub)

    @property
    def failed(self) -> bool:
        return self.outcome == "failed"


@dataclass
class TimeLimit:
    """Where a lesson's checks were when its time limit hit."""

    check: str  # nodeid of the check that was running
    function: str | None  # the learner's function on the stack, if any
    where: str  # "lessons/lesson_02_prepare.py:31", or "" when unknown
    seconds: float


@dataclass
class LessonResults:
    lesson: Lesson
    results: list[CheckResult] = field(default_factory=list)
    collect_errors: list[str] = field(default_factory=list)
    timed_out: TimeLimit | None = None

    @property
    def passed(self) -> int:
        return sum(result.outcome == "passed" for result in self.results)

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def failures(self) -> list[CheckResult]:
        return [result for result in self.results if result.failed]

    @property
    def all_pass(self) -> bool:
        return not self.collect_errors and self.total > 0 and self.passed == self.total

    def first_failure(self, function_order: list[str]) -> CheckResult | None:
        """The failure to fix first: in the earliest function of the lesson, else the first seen."""
        if not self.failures:
            return None
        rank = {name: index for index, name in enumerate(function_order)}
        return min(
            self.failures,
            key=lambda result: rank.get(result.function, len(rank)),
        )


@dataclass
class CheckRun:
    lessons: dict[str, LessonResults]
    exitstatus: int | None
    seconds: float


def pytest_command(
    workspace: Workspace, lessons: Iterable[Lesson], first_failure_only: bool, impl: Path | None = None
):
    folders = [str(workspace.checks_folder(unit).relative_to(workspace.root)) for unit in lessons]
    command = [
        sys.executable,
        "-m",
        "pytest",
        *folders,
        "-p",
        "mnist_course.companion.collector",
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(workspace.root),
        "-q",
        "--no-header",
        "-o",
        "addopts=",
        # One lesson's broken check file must not hide the other lessons' results.
        "--continue-on-collection-errors",
    ]
    if first_failure_only:
        command.append("--exitfirst")
    # pytest's own faulthandler timer would replace the collector's lesson clock.
    command += ["-o", "faulthandler_timeout=0"]
    if impl is not None:  # another folder of lesson modules (the notebook's), not lessons/
        command += ["--impl", str(impl)]
    return command


def run_checks(
    workspace: Workspace,
    lessons: Iterable[Lesson],
    *,
    first_failure_only: bool = False,
    on_collected: Callable[[int], None] | None = None,
    on_result: Callable[[CheckResult], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    limit: float | None = DEFAULT_LIMIT,
    impl: Path | None = None,
) -> CheckRun:
    """Run the checks of `lessons` on the learner's lessons/ (or `impl`) and gather the results.

    `on_collected(total)` and `on_result(result)` are called while the checks run (for a
    progress bar). A missing checks folder is a CourseError before anything runs. When
    `cancelled()` turns true the child is stopped and ChecksCancelled raised. A lesson
    still running after `limit` seconds is stopped (see the module's docstring).
    """
    lessons = list(lessons)
    by_lesson = {unit.number: LessonResults(unit) for unit in lessons}
    started = time.perf_counter()
    child = _Child(workspace, by_lesson, on_result, cancelled, limit, impl=impl)
    exitstatus = child.run(lessons, first_failure_only, on_collected)
    while child.stuck is not None and not first_failure_only:
        # The lessons after the stuck one still deserve their results: a fresh child runs them.
        waiting = [unit for unit in lessons if child.unstarted(unit.number)]
        if not waiting:
            break
        child = _Child(workspace, by_lesson, on_result, cancelled, limit, child.collected, impl)
        exitstatus = max(exitstatus, child.run(waiting, first_failure_only, None))
    return CheckRun(by_lesson, exitstatus, time.perf_counter() - started)


class _Child:
    """One child pytest: its events read as they come, and its time limit watched."""

    def __init__(self, workspace, by_lesson, on_result, cancelled, limit, collected=None, impl=None):
        self.workspace = workspace
        self.by_lesson = by_lesson
        self.on_result = on_result
        self.cancelled = cancelled
        self.limit = limit
        self.impl = impl
        self.collected: dict[str, list[str]] = dict(collected or {})  # lesson -> nodeids
        self.seen_collection = bool(collected)  # a later child's collection is not news
        self.running: str | None = None  # nodeid of the check that started last
        self.lesson_started: float | None = None  # when the running lesson's first check began
        self.stuck: TimeLimit | None = None

    def unstarted(self, number: str) -> bool:
        done = {result.nodeid for result in self.by_lesson[number].results}
        return bool(self.collected.get(number)) and not done

    def run(self, lessons: list[Lesson], first_failure_only: bool, on_collected) -> int:
        command = pytest_command(self.workspace, lessons, first_failure_only, self.impl)
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        exitstatus = None
        with tempfile.TemporaryDirectory(prefix="mnist-course-") as scratch:
            results_path = Path(scratch) / "results.jsonl"
            results_path.touch()
            dump_path = Path(scratch) / "timeout.txt"
            env[RESULTS_ENV] = str(results_path)
            if self.limit:
                env[LIMIT_ENV] = str(self.limit)
                env[DUMP_ENV] = str(dump_path)
            output_path = Path(scratch) / "pytest-output.txt"
            with open(output_path, "wb") as output, open(results_path, encoding="utf-8") as events:
                child = subprocess.Popen(
                    command, cwd=self.workspace.root, env=env, stdout=output,
                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                )
                pending = ""
                try:
                    while True:
                        done = child.poll() is not None
                        pending += events.read()
                        *lines, pending = pending.split("\n")
                        for line in lines:
                            exitstatus = self._take(json.loads(line), on_collected, exitstatus)
                        if done:
                            break
                        if self.cancelled and self.cancelled():
                            raise ChecksCancelled
                        if self._overdue():
                            child.kill()
                            child.wait()
                            break
                        time.sleep(0.05)
                except BaseException:
                    child.kill()
                    child.wait()
                    raise
            dump = dump_path.read_text(errors="replace") if dump_path.is_file() else ""
            if exitstatus is None and self.running is not None and (dump or self._overdue()):
                self._stopped(dump)
                return 1  # pytest's "some checks failed"
            if child.returncode in PYTEST_BROKE or exitstatus is None:
                raise CourseError(_why_pytest_broke(child.returncode, output_path))
        return exitstatus

    def _overdue(self) -> bool:
        return bool(
            self.limit
            and self.lesson_started is not None
            and time.perf_counter() - self.lesson_started > self.limit + BACKSTOP
        )

    def _take(self, event, on_collected, exitstatus):
        kind = event["event"]
        if kind == "collected":
            if not self.seen_collection:
                for test in event["tests"]:
                    self.collected.setdefault(test["lesson"], []).append(test["nodeid"])
                if on_collected:
                    on_collected(len(event["tests"]))
        elif kind == "start":
            if event.get("lesson") != _lesson_of(self.running):
                self.lesson_started = time.perf_counter()
            self.running = event["nodeid"]
        elif kind == "test":
            self._add(
                CheckResult(
                    nodeid=event["nodeid"],
                    lesson=event.get("lesson"),
                    outcome=event["outcome"],
                    check=CheckOutcome.from_json(event["check"]) if event.get("check") else None,
                    message=event.get("message", ""),
                )
            )
        elif kind == "collect_error" and event.get("lesson") in self.by_lesson:
            errors = self.by_lesson[event["lesson"]].collect_errors
            if event["message"] not in errors:  # a later child collects the same files again
                errors.append(event["message"])
        elif kind == "finished":
            return event["exitstatus"]
        return exitstatus

    def _add(self, result: CheckResult) -> None:
        if result.lesson in self.by_lesson:
            self.by_lesson[result.lesson].results.append(result)
        if self.on_result:
            self.on_result(result)

    def _stopped(self, dump: str) -> None:
        """The running lesson hit its limit: its running check failed, the rest did not run."""
        number = _lesson_of(self.running)
        unit = LESSONS[number]
        function, where = _stuck_in(dump, unit, self.workspace.root)
        self.stuck = TimeLimit(self.running, function, where, float(self.limit or 0))
        if number not in self.by_lesson:
            return
        self.by_lesson[number].timed_out = self.stuck
        why = time_limit_outcome(unit, self.stuck)
        self._add(CheckResult(self.running, number, "failed", why, why.render()))
        done = {result.nodeid for result in self.by_lesson[number].results}
        for nodeid in self.collected.get(number, []):
            if nodeid not in done:
                self._add(CheckResult(nodeid, number, NOT_RUN, message=f"not run: lesson {number} hit its time limit"))


def lesson_number(path: str) -> str | None:
    """"02" for anything under checks/lesson_02/, else None."""
    for part in reversed(Path(path).parts):
        if part.startswith("lesson_") and part[7:9] in LESSONS:
            return part[7:9]
    return None


def _lesson_of(nodeid: str | None) -> str | None:
    return lesson_number(nodeid) if nodeid else None


FRAME = re.compile(r'^\s*File "(?P<file>.+)", line (?P<line>\d+) in (?P<name>\S+)')


def _stuck_in(dump: str, unit: Lesson, root: Path) -> tuple[str | None, str]:
    """(function, "file:line") of the innermost lesson-file frame in a faulthandler dump."""
    for line in dump.splitlines():  # most recent call first, main thread included
        match = FRAME.match(line)
        if match and Path(match["file"]).name == unit.filename:
            return match["name"], f"{relative(Path(match['file']), root)}:{match['line']}"
    return None, ""


def time_limit_outcome(unit: Lesson, stuck: TimeLimit) -> CheckOutcome:
    """Why a check that did not finish in time failed, for the learner."""
    check = stuck.check.rsplit("::", 1)[-1]
    if stuck.function:
        return CheckOutcome(
            "timeout", unit, stuck.function,
            expected=f"{stuck.function}() to return (lesson {unit.number}'s checks get {stuck.seconds:.0f} s)",
            seen=f"still running after {stuck.seconds:.0f} s, at {stuck.where} (check {check})",
            hint="look for a loop that never ends (a `while` whose condition never becomes false) "
            "or far more work than the docstring asks for.",
        )
    return CheckOutcome(
        "timeout", unit, None,
        expected=f"the checks of lesson {unit.number} to finish within {stuck.seconds:.0f} s",
        seen=f"{check} was still running; none of your functions was on the stack.",
        hint=f"a busy machine can be this slow: close other programs and run `pytest {unit.checks}` "
        "to see it finish.",
    )


def _why_pytest_broke(returncode: int, output_path: Path) -> str:
    log = strip_noise(output_path.read_text(errors="replace")).strip().splitlines()
    tail = " | ".join(line.strip() for line in log[-3:]) if log else "no output"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return (
            f"the checks crashed ({name}) before they finished; `mnist-course doctor` "
            f"checks that TensorFlow can run on this machine. Last output: {tail}"
        )
    why = PYTEST_BROKE.get(returncode, "stopped before the end")
    return f"the checks could not run (pytest {why}, exit code {returncode}): {tail}"
