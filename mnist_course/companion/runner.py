"""Run the learner checks in a child pytest and collect what happened, lesson by lesson.

A child process, not `pytest.main()` in this one: a learner's lesson module is imported
afresh on every run (watch mode reruns after each save), and TensorFlow's start-up cost
and global state stay out of the command's own process. A child runs several lessons, so
TensorFlow is imported once per child however many lessons it checks; the commands that rerun
the checks (watch, the notebooks) fork their children from a zygote that imported it once for
the whole session (`warm`). On a machine with two or more cores the lessons are shared out
between children, one per core (at most), that run side by side: importing TensorFlow and
training the lessons' small models are mostly one core's work, so `mnist-course progress`
takes about half as long on two cores.
The results are still gathered and shown in lesson order.

The child writes nothing into the course: no `.pytest_cache` (`-p no:cacheprovider`),
no `__pycache__` (`PYTHONDONTWRITEBYTECODE`).

Each lesson has a time limit (`limit` seconds, from its first check to its last): a
learner function that never returns ends the child (see `collector`), the check that was
running becomes a failure that names the function and its line, and a fresh child runs
the lessons of that child that had not started yet. The parent keeps its own clock for
each child as a backstop. Ctrl-C (or `cancelled()`) stops every child before it returns.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mnist_course.course.workspace import Workspace, relative
from mnist_course.course import LESSONS, CourseError, Lesson
from mnist_course.check_support.outcome import CheckOutcome, named_function
from mnist_course.check_support.quiet import strip_noise
from mnist_course.check_support.safe_text import printable

if TYPE_CHECKING:
    from mnist_course.companion.warm import WarmChecks

# How the child's collector plugin hears from us (and we from it); kept here, not in the
# plugin, so this parent never imports pytest or NumPy.
RESULTS_ENV = "MNIST_COURSE_RESULTS"  # file of JSON-line events, written by the collector
# When grading, a key only the runner and the checks' process know: each line of results is
# signed with it, so a lesson's code running as the grading user (--same-user) cannot write
# results of its own into the file (the checks' process is undumpable: its memory and
# environment are out of that user's reach).
RESULTS_KEY_ENV = "MNIST_COURSE_RESULTS_KEY"
LIMIT_ENV = "MNIST_COURSE_LESSON_LIMIT"  # seconds per lesson
DUMP_ENV = "MNIST_COURSE_TIMEOUT_DUMP"  # where faulthandler writes the stacks at the limit


class ResultLines:
    """Signs and checks the lines of a results file: an HMAC of the line and its place."""

    def __init__(self, key: bytes):
        self.key, self.signed, self.checked = key, 0, 0

    def sign(self, line: str) -> str:
        self.signed += 1
        return f"{self._mac(self.signed, line)} {line}"

    def check(self, signed: str) -> str | None:
        """The line without its signature, or None when it is not the next one signed."""
        mac, _, line = signed.partition(" ")
        if not hmac.compare_digest(mac, self._mac(self.checked + 1, line)):
            return None
        self.checked += 1
        return line

    def _mac(self, place: int, line: str) -> str:
        return hmac.new(self.key, f"{place}:{line}".encode(), hashlib.sha256).hexdigest()


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


@dataclass(frozen=True)
class Grading:
    """Grade, do not just check: the lesson code runs in worker processes (`--isolated`),
    with the checks and configuration of this course only, and inputs drawn from `seed`."""

    seed: int
    zygote_address: str | None = None  # the zygote the graders share (started by run_checks)
    zygote: object | None = None  # run_checks' handle on it, which forks the graders


def pytest_command(
    workspace: Workspace, lessons: Iterable[Lesson], first_failure_only: bool, impl: Path | None = None,
    grading: Grading | None = None,
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
        "-p",
        "no:anyio",  # as pyproject.toml's addopts: the course has no async code to test
        # One lesson's broken check file must not hide the other lessons' results.
        "--continue-on-collection-errors",
    ]
    if first_failure_only:
        command.append("--exitfirst")
    # pytest's own faulthandler timer would replace the collector's lesson clock.
    command += ["-o", "faulthandler_timeout=0"]
    if impl is not None:  # another folder of lesson modules (the notebook's), not lessons/
        # One token: pytest looks for conftest.py files beside any argument that names a
        # folder, so `--impl DIR` would load a conftest.py lying next to the graded files.
        command.append(f"--impl={impl}")
    if grading is not None:
        # This course's own configuration and conftest files, whatever lies beside the graded ones.
        command += ["--isolated", f"--check-seed={grading.seed}", f"--confcutdir={workspace.root}",
                    "-c", str(workspace.root / "pyproject.toml")]
    return command


# Roughly how many seconds each lesson's checks take on the solutions, beyond starting
# Python and importing TensorFlow (bench/check_speed.py). Only used to share the lessons out
# evenly between parallel children; a lesson missing here counts as AVERAGE_COST.
LESSON_COST = {"01": 0.5, "02": 0.8, "03": 1.2, "04": 0.5, "05": 2.0, "06": 0.8, "07": 2.0, "08": 2.2}
AVERAGE_COST = 1.0


def cores() -> int:
    """The CPU cores this process may use (its affinity where the system tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def share_out(lessons: list[Lesson], children: int) -> list[list[Lesson]]:
    """`lessons` in at most `children` groups of about equal cost, each in lesson order.

    Longest first, each to the group with the least work so far (a classic greedy schedule).
    """
    groups: list[list[Lesson]] = [[] for _ in range(max(1, min(children, len(lessons))))]
    load = [0.0] * len(groups)
    order = sorted(lessons, key=lambda unit: -LESSON_COST.get(unit.number, AVERAGE_COST))
    for unit in order:
        lightest = load.index(min(load))
        groups[lightest].append(unit)
        load[lightest] += LESSON_COST.get(unit.number, AVERAGE_COST)
    position = {unit.number: index for index, unit in enumerate(lessons)}
    return [sorted(group, key=lambda unit: position[unit.number]) for group in groups if group]


def combined_status(statuses: list[int]) -> int:
    """One pytest exit status for several children: failed if any failed, else passed,
    "no tests" only when no child ran any."""
    if any(status == 1 for status in statuses):
        return 1
    if statuses and all(status == 5 for status in statuses):
        return 5
    return max((status for status in statuses if status != 5), default=0)


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
    jobs: int | None = None,
    grading: Grading | None = None,
    warm: WarmChecks | None = None,
) -> CheckRun:
    """Run the checks of `lessons` on the learner's lessons/ (or `impl`) and gather the results.

    `on_collected(total)` and `on_result(result)` are called while the checks run (for a
    progress bar). A missing checks folder is a CourseError before anything runs. When
    `cancelled()` turns true the children are stopped and ChecksCancelled raised. A lesson
    still running after `limit` seconds is stopped (see the module's docstring). `jobs`:
    how many children may run side by side (default: one per core); `first_failure_only`
    always uses one, since it stops at the first failure in lesson order. With `grading`, a
    child pytest that breaks costs only the lessons it had not finished, each with a
    collect error that says why, so a report is always complete. With `warm` (a session's
    `WarmChecks`), the children are forked from its zygote, TensorFlow already imported.
    """
    lessons = list(lessons)
    for unit in lessons:  # every "missing" error before anything starts
        workspace.checks_folder(unit)
    by_lesson = {unit.number: LessonResults(unit) for unit in lessons}
    started = time.perf_counter()
    groups = [lessons] if first_failure_only else share_out(lessons, jobs or cores())
    gradings = [grading] * len(groups)
    zygotes: list[tuple[object, str]] = []
    if grading is not None and grading.zygote_address is None and os.name == "posix":
        groups, gradings, zygotes = shared_zygotes(workspace, lessons, groups, grading, jobs)
    counted: dict[int, int] = {}  # child -> how many checks it collected

    def collected(index: int) -> Callable[[int], None]:
        def tell(total: int) -> None:
            counted[index] = total
            if on_collected and len(counted) == len(groups):  # every child has said
                on_collected(sum(counted.values()))

        return tell

    children = [
        _Child(workspace, by_lesson, on_result, limit, impl=impl, on_collected=collected(index),
               grading=gradings[index], warm=warm)
        for index in range(len(groups))
    ]
    running = dict(zip(children, groups))
    every = list(children)  # fresh children join after a time limit
    statuses = []
    try:
        for child, group in running.items():
            child.start(group, first_failure_only)
        while running:
            for child, group in list(running.items()):
                if not child.poll():
                    continue
                del running[child]
                statuses.append(child.finish(group))
                if not child.reported_collection:
                    child.on_collected(0)  # it ended before collecting: count none for it
                if child.stuck is not None and not first_failure_only:
                    # The lessons after the stuck one still deserve their results: a fresh
                    # child runs them.
                    waiting = [unit for unit in group if child.unstarted(unit.number)]
                    if waiting:
                        fresh = _Child(workspace, by_lesson, on_result, limit, child.collected, impl,
                                       grading=child.grading, warm=warm)
                        every.append(fresh)
                        fresh.start(waiting, first_failure_only)
                        running[fresh] = waiting
            if running:
                if cancelled and cancelled():
                    raise ChecksCancelled
                time.sleep(0.05)
    finally:
        for child in every:
            child.stop()
        for zygote, address in zygotes:
            zygote.close()
            shutil.rmtree(os.path.dirname(address), ignore_errors=True)
    return CheckRun(by_lesson, combined_status(statuses), time.perf_counter() - started)


def shared_zygotes(workspace: Workspace, lessons: list[Lesson], groups: list[list[Lesson]], grading: Grading,
                   jobs: int | None) -> tuple[list[list[Lesson]], list[Grading], list[tuple[object, str]]]:
    """The zygotes of a whole grade, which fork the graders and their workers, so TensorFlow
    is imported once, not once per grader and once more for the workers; with the groups
    of lessons to grade and the Grading (zygote) of each, and each zygote with its socket.

    `groups` is how `lessons` would be shared out without a light zygote. When there are
    several, the lessons that need no Keras get a light zygote and a grader of their own:
    they are graded on the other core while the heavy zygote is still importing TensorFlow."""
    from mnist_course.grading.remote import Zygote

    light = [unit for unit in lessons if not unit.needs_keras]
    heavy = [unit for unit in lessons if unit.needs_keras]
    if len(groups) > 1 and light and heavy:
        parts = [([light], False), (share_out(heavy, jobs or cores()), True)]
    else:
        parts = [(groups, bool(heavy))]
    shared_groups, gradings, zygotes = [], [], []
    for part, needs_keras in parts:
        address = os.path.join(tempfile.mkdtemp(prefix="mnist-course-zygote-"), "socket")
        zygote = Zygote.start_shared(address, workspace.root, heavy=needs_keras)
        zygotes.append((zygote, address))
        shared_groups += part
        gradings += [Grading(grading.seed, address, zygote)] * len(part)
    return shared_groups, gradings, zygotes


class _Child:
    """One child pytest: its events read as they come, and its time limit watched."""

    def __init__(self, workspace, by_lesson, on_result, limit, collected=None, impl=None, on_collected=None,
                 grading=None, warm=None):
        self.workspace = workspace
        self.grading = grading
        self.warm = warm
        self.by_lesson = by_lesson
        self.on_result = on_result
        self.limit = limit
        self.impl = impl
        self.on_collected = on_collected or (lambda total: None)
        self.collected: dict[str, list[str]] = dict(collected or {})  # lesson -> nodeids
        self.seen_collection = bool(collected)  # a later child's collection is not news
        self.reported_collection = self.seen_collection
        self.running: str | None = None  # nodeid of the check that started last
        self.lesson_started: float | None = None  # when the running lesson's first check began
        self.stuck: TimeLimit | None = None
        self.exitstatus: int | None = None
        self.process: subprocess.Popen | None = None
        self._pending = ""
        self.reported: set[str] = set()  # nodeids with a result, to tell a second one (grading)
        self.forged: str | None = None  # why this child's results cannot be its checks' own
        self.signed: ResultLines | None = None  # when grading: the results' lines are signed

    def unstarted(self, number: str) -> bool:
        done = {result.nodeid for result in self.by_lesson[number].results}
        return bool(self.collected.get(number)) and not done

    def start(self, lessons: list[Lesson], first_failure_only: bool) -> None:
        command = pytest_command(self.workspace, lessons, first_failure_only, self.impl, self.grading)
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        if self.grading is not None:  # no stray pytest setting may change how the checks run
            for name in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS"):
                env.pop(name, None)
            if self.grading.zygote_address:
                env["MNIST_COURSE_ZYGOTE"] = self.grading.zygote_address
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        self.scratch = tempfile.TemporaryDirectory(prefix="mnist-course-")
        scratch = Path(self.scratch.name)
        if self.grading is not None:
            # The checks' temporary files, in a folder of this grade's (pytest's own pytest-of-USER
            # is made private again by every pytest that starts meanwhile): a worker of its own
            # user may pass through to read the files a check hands its functions.
            self.checks_temp = tempfile.TemporaryDirectory(prefix="mnist-course-checks-")
            os.chmod(self.checks_temp.name, 0o711)
            command.append(f"--basetemp={Path(self.checks_temp.name) / 'checks'}")
            # And the grader's own temporary folder (its workers' folders go there): removed with
            # this child even when its lesson clock ended it before it could tidy up.
            grader_temp = Path(self.checks_temp.name) / "grader"
            grader_temp.mkdir(mode=0o711)
            os.chmod(grader_temp, 0o711)  # past the umask
            env["TMPDIR"] = str(grader_temp)
        results_path = scratch / "results.jsonl"
        results_path.touch()
        self.dump_path = scratch / "timeout.txt"
        env[RESULTS_ENV] = str(results_path)
        if self.grading is not None:
            key = os.urandom(32)
            self.signed = ResultLines(key)
            env[RESULTS_KEY_ENV] = key.hex()
        if self.limit:
            env[LIMIT_ENV] = str(self.limit)
            env[DUMP_ENV] = str(self.dump_path)
        self.output_path = scratch / "pytest-output.txt"
        self.output = open(self.output_path, "wb")  # noqa: SIM115 - closed by stop()
        self.events = open(results_path, encoding="utf-8")  # noqa: SIM115 - closed by stop()
        spawned = None
        if self.grading is not None and self.grading.zygote is not None:
            spawned = self.grading.zygote.spawn(command, env, self.workspace.root, self.output.fileno())
        elif self.warm is not None:
            spawned = self.warm.spawn(lessons, command, env, self.workspace.root,
                                      self.output.fileno())
        self.process = spawned or subprocess.Popen(
            command, cwd=self.workspace.root, env=env, stdout=self.output,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )

    def poll(self) -> bool:
        """Read the child's new events; True once it has ended (or was stopped at the backstop)."""
        done = self.process.poll() is not None
        self._pending += self.events.read()
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            if self.signed is not None:
                line = self.signed.check(line)
                if line is None:  # and each line after a changed one, whose places no longer match
                    self.forged = self.forged or "a line of results the checks did not write"
                    continue
            try:
                event = json.loads(line)
            except ValueError:
                continue  # not a line the collector wrote
            if isinstance(event, dict) and "event" in event:
                self._take(event)
        if done:
            return True
        if self._overdue():
            self.process.kill()
            self.process.wait()
            return True
        return False

    def finish(self, lessons: list[Lesson] = ()) -> int:
        """The ended child's pytest exit status; its time limit turned into results."""
        dump = self.dump_path.read_text(errors="replace") if self.dump_path.is_file() else ""
        if self.exitstatus is None and self.running is not None and (dump or self._overdue()):
            self._stopped(dump)
            return 1  # pytest's "some checks failed"
        if self.grading is not None and self.exitstatus is not None and self.process.returncode != self.exitstatus:
            self.forged = (f"the checks' process ended with status {self.process.returncode} after its results "
                           f"said {self.exitstatus}")  # fmt: skip
        if self.forged is not None:
            self._void(lessons)
            return 1
        if self.process.returncode in PYTEST_BROKE or self.exitstatus is None:
            why = _why_pytest_broke(self.process.returncode, self.output_path)
            if self.grading is None:
                raise CourseError(why)
            for unit in lessons:  # a grade is never lost: each unfinished lesson says why
                results = self.by_lesson.get(unit.number)
                if results is not None and (not results.results or self.running and _lesson_of(self.running) == unit.number):
                    results.collect_errors.append(printable(why))
            return 1
        return self.exitstatus

    def stop(self) -> None:
        """End the child if it still runs, and remove its scratch files (idempotent)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        if self.process is not None:
            self.process.wait()
        for name in ("output", "events"):
            file = getattr(self, name, None)
            if file is not None:
                file.close()
        for name in ("scratch", "checks_temp"):
            folder = getattr(self, name, None)
            if folder is not None:
                folder.cleanup()
                setattr(self, name, None)

    def _overdue(self) -> bool:
        return bool(
            self.limit
            and self.lesson_started is not None
            and time.perf_counter() - self.lesson_started > self.limit + BACKSTOP
        )

    def _take(self, event):
        kind = event["event"]
        if kind == "collected":
            if not self.seen_collection:
                for test in event["tests"]:
                    self.collected.setdefault(test["lesson"], []).append(test["nodeid"])
                self.reported_collection = True
                self.on_collected(len(event["tests"]))
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
                    message=printable(event.get("message", "")),
                )
            )
        elif kind == "collect_error" and event.get("lesson") in self.by_lesson:
            errors = self.by_lesson[event["lesson"]].collect_errors
            message = printable(event["message"])
            if message not in errors:  # a later child collects the same files again
                errors.append(message)
        elif kind == "finished":
            self.exitstatus = event["exitstatus"]

    def _void(self, lessons: list[Lesson]) -> None:
        """A grade whose results something else wrote (a learner's code that found the results
        file) counts for nothing: each of this child's lessons gets 0, and says why."""
        why = (f"not graded: {self.forged}, so these results are not the checks' own (did the lesson "
               "code reach the grader's files?)")
        for unit in lessons:
            results = self.by_lesson.get(unit.number)
            if results is not None:
                results.results.clear()
                results.collect_errors.append(why)

    def _add(self, result: CheckResult) -> None:
        if self.grading is not None:
            known = result.nodeid in self.collected.get(result.lesson or "", ())
            if result.nodeid in self.reported or not known:
                self.forged = f"{result.nodeid} has a result {'twice' if known else 'but was never collected'}"
            self.reported.add(result.nodeid)
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
    """(function, "file:line") of the innermost lesson-file frame in a faulthandler dump.

    The function is the innermost `def` of the lesson file on that stack (see
    `named_function`), None when the file's top-level code was running.
    """
    frames = []
    for line in dump.splitlines():  # thread by thread, most recent call first, main thread included
        match = FRAME.match(line)
        if match and Path(match["file"]).name == unit.filename:
            frames.append(match)
        elif frames and not match:
            break  # the end of the first thread that runs the lesson file
    if not frames:
        return None, ""
    where = f"{relative(Path(frames[0]['file']), root)}:{frames[0]['line']}"
    return named_function([frame["name"] for frame in reversed(frames)]), where


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
    if stuck.where:
        return CheckOutcome(
            "timeout", unit, None,
            expected=f"lessons/{unit.filename} to finish loading (lesson {unit.number}'s checks get "
            f"{stuck.seconds:.0f} s)",
            seen=f"still running after {stuck.seconds:.0f} s, at {stuck.where}, outside any function "
            f"(check {check})",
            hint="code outside a function runs as soon as the checks import your file: look for a loop "
            "that never ends there, and move code that tries things out under "
            "`if __name__ == \"__main__\":`.",
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
