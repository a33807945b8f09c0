"""A pytest plugin that reports each check's result as one JSON line, for the companion.

`mnist-course progress`, `compare` and `watch` run the learner checks in a child pytest
(`-p mnist_course.companion.collector`) and read its results from the file named by
`MNIST_COURSE_RESULTS`, one line per event, flushed as it happens, so the parent can
move a progress bar while the checks run:

    {"event": "collected", "tests": [{"nodeid": ..., "lesson": "02"}, ...]}
    {"event": "start", "nodeid": ..., "lesson": "02"}
    {"event": "test", "nodeid": ..., "lesson": "02", "outcome": "failed",
     "check": {"kind": "stub", "function": "normalize", ...}, "message": "Lesson 02 · ..."}
    {"event": "collect_error", "lesson": "03", "message": "..."}
    {"event": "finished", "exitstatus": 1}

"check" is the failure's `CheckOutcome` (`mnist_course.check_support.outcome`) as the pytest plugin
classified it, and "message" the teaching report it rendered from it.

A time limit per lesson (`MNIST_COURSE_LESSON_LIMIT` seconds, set by the runner): when a
lesson's first check starts, `faulthandler` is armed to dump every thread's stack to
`MNIST_COURSE_TIMEOUT_DUMP` and end the process if the lesson is still running when the
limit hits. The dump is how the runner names the learner's function that never returned,
even when it is stuck inside NumPy or TensorFlow, where no Python-level timer could stop it.
Plain `pytest checks/lesson_02` sets neither variable, so nothing changes there.
"""

from __future__ import annotations

import faulthandler
import json
import os
import time
from pathlib import Path

import pytest

from mnist_course import grading
from mnist_course.companion.runner import DUMP_ENV, LIMIT_ENV, RESULTS_ENV, RESULTS_KEY_ENV, ResultLines, lesson_number
from mnist_course.check_support.outcome import OUTCOME_KEY

class ResultWriter:
    def __init__(self, path: Path, limit: float | None = None, dump: Path | None = None,
                 key: bytes | None = None):
        self.out = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed at session end
        self.worst: dict[str, dict] = {}
        self.limit = limit
        self.dump = open(dump, "w", encoding="utf-8") if limit and dump else None  # noqa: SIM115
        self.timed_lesson: str | None = None
        self.signed = ResultLines(key) if key else None

    def emit(self, event: dict) -> None:
        line = json.dumps(event)
        self.out.write((self.signed.sign(line) if self.signed else line) + "\n")
        self.out.flush()

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session):
        tests = [
            {"nodeid": item.nodeid, "lesson": lesson_number(str(item.fspath))}
            for item in session.items
        ]
        self.emit({"event": "collected", "tests": tests})

    def pytest_collectreport(self, report):
        if report.failed:
            self.emit(
                {
                    "event": "collect_error",
                    "nodeid": report.nodeid,
                    "lesson": lesson_number(report.nodeid),
                    "message": str(report.longrepr),
                }
            )

    def pytest_runtest_logstart(self, nodeid, location):
        lesson = lesson_number(nodeid)
        self.emit({"event": "start", "nodeid": nodeid, "lesson": lesson})
        if self.dump and lesson != self.timed_lesson:
            # One clock per lesson, started by its first check (lessons run one after another).
            self.timed_lesson = lesson
            faulthandler.dump_traceback_later(self.limit, exit=True, file=self.dump)
            grading.LESSON_DEADLINE = time.monotonic() + self.limit

    def pytest_runtest_logreport(self, report):
        # A check's outcome is its worst phase: an error while setting up counts as failed.
        if report.when != "call" and not report.failed and not report.skipped:
            return
        seen = self.worst.setdefault(report.nodeid, {"outcome": "passed"})
        if seen["outcome"] == "failed":
            return
        if report.failed:
            # The pytest plugin classified the failure once (mnist_course.check_support.outcome).
            check = dict(report.user_properties).get(OUTCOME_KEY)
            seen.update(outcome="failed", check=check, message=str(report.longrepr))
        elif report.skipped:
            seen["outcome"] = "skipped"

    def pytest_runtest_logfinish(self, nodeid, location):
        result = self.worst.pop(nodeid, {"outcome": "passed"})
        self.emit({"event": "test", "nodeid": nodeid, "lesson": lesson_number(nodeid), **result})

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session, exitstatus):
        if self.dump:
            faulthandler.cancel_dump_traceback_later()
            self.dump.close()
        self.emit({"event": "finished", "exitstatus": int(exitstatus)})
        self.out.close()


def pytest_configure(config):
    path = os.environ.get(RESULTS_ENV)
    if path:
        limit = float(os.environ.get(LIMIT_ENV) or 0) or None
        dump = os.environ.get(DUMP_ENV)
        key = os.environ.pop(RESULTS_KEY_ENV, None)  # out of reach of anything started from here
        writer = ResultWriter(Path(path), limit, Path(dump) if dump else None,
                              bytes.fromhex(key) if key else None)
        config.pluginmanager.register(writer, "mnist-course-results")
