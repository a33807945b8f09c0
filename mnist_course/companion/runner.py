"""Run the learner checks in a child pytest and collect what happened, lesson by lesson.

A child process, not `pytest.main()` in this one: a learner's lesson module is imported
afresh on every run (watch mode reruns after each save), and TensorFlow's start-up cost
and global state stay out of the command's own process. One child runs every lesson
asked for, so TensorFlow is imported once however many lessons are checked.

The child writes nothing into the course: no `.pytest_cache` (`-p no:cacheprovider`),
no `__pycache__` (`PYTHONDONTWRITEBYTECODE`).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from mnist_course.companion.collector import RESULTS_ENV
from mnist_course.companion.workspace import Workspace
from mnist_course.course import CourseError, Lesson
from mnist_course.quiet import strip_noise

# pytest exit codes that mean "pytest itself could not run", not "some checks failed".
PYTEST_BROKE = {2: "interrupted", 3: "internal error", 4: "usage error"}


class ChecksCancelled(Exception):
    """The caller asked to stop the checks before they finished."""


@dataclass
class CheckResult:
    nodeid: str
    lesson: str | None
    outcome: str  # "passed", "failed" or "skipped"
    function: str | None = None  # the learner's function a failure is about, if known
    stub: bool = False  # failed because the function is still the generated stub
    message: str = ""

    @property
    def failed(self) -> bool:
        return self.outcome == "failed"


@dataclass
class LessonResults:
    lesson: Lesson
    results: list[CheckResult] = field(default_factory=list)
    collect_errors: list[str] = field(default_factory=list)

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
    impl: Path | None = None,
) -> CheckRun:
    """Run the checks of `lessons` on the learner's lessons/ (or `impl`) and gather the results.

    `on_collected(total)` and `on_result(result)` are called while the checks run (for a
    progress bar). A missing checks folder is a CourseError before anything runs. When
    `cancelled()` turns true the child is stopped and ChecksCancelled raised.
    """
    lessons = list(lessons)
    command = pytest_command(workspace, lessons, first_failure_only, impl)
    by_lesson = {unit.number: LessonResults(unit) for unit in lessons}
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mnist-course-") as scratch:
        results_path = Path(scratch) / "results.jsonl"
        results_path.touch()
        env[RESULTS_ENV] = str(results_path)
        output_path = Path(scratch) / "pytest-output.txt"
        with open(output_path, "wb") as output, open(results_path, encoding="utf-8") as events:
            child = subprocess.Popen(
                command, cwd=workspace.root, env=env, stdout=output, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
            exitstatus = None
            pending = ""
            try:
                while True:
                    done = child.poll() is not None
                    pending += events.read()
                    *lines, pending = pending.split("\n")
                    for line in lines:
                        exitstatus = _take(json.loads(line), by_lesson, on_collected, on_result, exitstatus)
                    if done:
                        break
                    if cancelled and cancelled():
                        raise ChecksCancelled
                    time.sleep(0.05)
            except BaseException:
                child.kill()
                child.wait()
                raise
        if child.returncode in PYTEST_BROKE or exitstatus is None:
            raise CourseError(_why_pytest_broke(child.returncode, output_path))
    return CheckRun(by_lesson, exitstatus, time.perf_counter() - started)


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


def _take(event, by_lesson, on_collected, on_result, exitstatus):
    kind = event["event"]
    if kind == "collected" and on_collected:
        on_collected(len(event["tests"]))
    elif kind == "test":
        result = CheckResult(
            nodeid=event["nodeid"],
            lesson=event.get("lesson"),
            outcome=event["outcome"],
            function=event.get("function"),
            stub=bool(event.get("stub")),
            message=event.get("message", ""),
        )
        if result.lesson in by_lesson:
            by_lesson[result.lesson].results.append(result)
        if on_result:
            on_result(result)
    elif kind == "collect_error" and event.get("lesson") in by_lesson:
        by_lesson[event["lesson"]].collect_errors.append(event["message"])
    elif kind == "finished":
        return event["exitstatus"]
    return exitstatus
