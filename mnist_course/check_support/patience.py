"""A check that runs on and on says so, once, while it still runs.

A learner's loop that never ends (a `while` whose condition stays true, in a function or at
the top of the lesson file) makes `pytest checks/lesson_NN` sit silent: pytest holds back the
output of a running check, so the terminal shows nothing at all. After `PATIENCE` seconds in
one check, `Patience` writes one line to the terminal naming the lesson, the function and the
line of the lesson file running at that moment, and how to stop. It stops nothing: on a busy
machine a slow check only gets a line saying it is slow.

Off where something else watches the clock: under the companion's runner (`progress`,
`watch`, `report` give each lesson a time limit and name the function themselves) and in
pytest-xdist workers (which have no terminal).
"""

from __future__ import annotations

import os
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from mnist_course.course import LESSONS
from mnist_course.course.workspace import relative
from mnist_course.check_support.outcome import named_function
from mnist_course.companion.runner import LIMIT_ENV, lesson_number  # the runner keeps its own time

PATIENCE = 60.0  # seconds; a lesson's slowest check takes about 10 s on a 2-core machine
PATIENCE_ENV = "MNIST_COURSE_PATIENCE"  # seconds, for the course's own tests of this line


class Patience:
    """Watches one check at a time from a timer thread; writes to a copy of the terminal's
    stderr taken while pytest's capture is off (pytest_configure), so the line gets through."""

    def __init__(self, root: Path, seconds: float):
        self.root = root
        self.seconds = seconds
        self.terminal = os.dup(sys.stderr.fileno())
        self.timer: threading.Timer | None = None

    @classmethod
    def install(cls, config, root: Path) -> Patience | None:
        if os.environ.get(LIMIT_ENV) or hasattr(config, "workerinput"):  # the runner, or an xdist worker
            return None
        try:
            seconds = float(os.environ.get(PATIENCE_ENV) or PATIENCE)
            return cls(root, seconds) if seconds > 0 else None
        except (ValueError, OSError, AttributeError):  # no terminal to write to: nothing to say
            return None

    def start(self, item) -> None:
        number = lesson_number(str(item.path))
        if number is None:
            return
        unit = LESSONS[number]
        self.timer = threading.Timer(self.seconds, self._say, (unit, threading.main_thread().ident))
        self.timer.daemon = True
        self.timer.start()

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _say(self, unit, thread: int) -> None:
        line = still_running(unit, thread, self.root, self.seconds, "the checks; else they go on")
        if line is None:
            line = (f"{unit.label}: a check is still running after {self.seconds:g} s, in the course's own "
                    "code. A busy machine can be this slow: it goes on by itself (Ctrl-C stops it).")
        try:
            os.write(self.terminal, f"\n{line}\n".encode(sys.stderr.encoding or "utf-8", errors="replace"))
        except (OSError, LookupError):
            pass


def still_running(unit, thread: int, root: Path, seconds: float, stops: str) -> str | None:
    """The line that says where in `unit`'s lesson file `thread` still is after `seconds`, and
    that Ctrl-C stops `stops`; None when the thread is outside the lesson file."""
    function, where = running_in(unit, thread, root)
    if not where:
        return None
    what = f"{function}() is still running after {seconds:g} s, at {where}" if function else \
        f"your lesson file is still running after {seconds:g} s, at {where}, outside any function " \
        "(it runs when the checks import it)"  # fmt: skip
    return (f"{unit.label}: {what}. A loop that never ends, or far more work than the docstring "
            f"asks for? Ctrl-C stops {stops}.")


def running_in(unit, thread: int, root: Path) -> tuple[str | None, str | None]:
    """(function, "lessons/file.py line N") of the innermost line of `unit`'s lesson file that
    `thread` is running; (None, where) at the file's top level; (None, None) outside it."""
    frame = sys._current_frames().get(thread)
    stack = []  # the lesson file's frames, innermost first
    while frame is not None:
        if Path(frame.f_code.co_filename).name == unit.filename:
            stack.append(frame)
        frame = frame.f_back
    if not stack:
        return None, None
    where = f"{relative(Path(stack[0].f_code.co_filename), root)} line {stack[0].f_lineno}"
    return named_function([frame.f_code.co_name for frame in reversed(stack)]), where


@contextmanager
def said_if_slow(unit, root: Path, seconds: float = PATIENCE):
    """Around a call of a lesson function by the course's own tools (`mnist-course train`,
    `evaluate`, `predict`): one line on stderr if it is still running after `seconds`."""
    seconds = float(os.environ.get(PATIENCE_ENV) or seconds)

    def say(thread: int) -> None:
        line = still_running(unit, thread, root, seconds, "it; else it goes on")
        if line is not None:
            print(line, file=sys.stderr, flush=True)

    timer = threading.Timer(seconds, say, (threading.get_ident(),))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
