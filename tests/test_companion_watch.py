"""`mnist-course watch`: reruns the current lesson's checks when a lesson file is saved."""

from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time

import pytest
from companion_course import assert_refused, cli_command, cli_env, copy_course, mnist_course, snapshot, solve

WAIT = 180  # seconds for one check run on a busy CI machine


@pytest.fixture
def course(tmp_path):
    return copy_course(tmp_path / "course")


class Watcher:
    """`mnist-course watch` running in the background, its output readable line by line."""

    def __init__(self, course, *args, stdin=subprocess.DEVNULL):
        self.process = subprocess.Popen(
            cli_command("watch", *args),
            cwd=course,
            env=cli_env(),
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, pattern: str) -> str:
        """Block until a line matches `pattern`; return everything read so far."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                if self.process.poll() is not None and self.lines.empty():
                    break
                continue
            self.seen.append(line)
            if re.search(pattern, line):
                return "".join(self.seen)
        self.stop()
        raise AssertionError(f"no line matching {pattern!r} in:\n{''.join(self.seen)}")

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)


def test_reruns_on_save_and_follows_the_saved_lesson(course):
    watcher = Watcher(course, "02", "--runs", "3")
    try:
        watcher.wait_for(r"Watching lessons/")  # the watcher is up before the first run
        first = watcher.wait_for(r"More hints: mnist-course hint 02 normalize")  # the message's end
        assert "Lesson 02 · Prepare the data" in first
        assert "0 checks passed, then:" in first
        # Only the first failing message, not one per failing check.
        assert first.count("not implemented yet") == 1 and "normalize()" in first

        solve(course, "02")  # the learner saves a finished lesson 02
        watcher.wait_for(r"All \d+ checks of lesson 02 pass")
        watcher.wait_for(r"Next: Lesson 03 · Explore the data: save lessons/lesson_03_explore.py")

        lesson_03 = course / "lessons" / "lesson_03_explore.py"
        lesson_03.write_text(lesson_03.read_text())  # and then saves lesson 03
        watcher.wait_for(r"label_counts\(\) is not implemented yet")
        assert watcher.process.wait(timeout=WAIT) == 0  # --runs 3: done after the third run
    finally:
        watcher.stop()


@pytest.mark.skipif(sys.platform == "win32", reason="q is read through a POSIX pseudo-terminal here")
def test_q_quits_when_stdin_is_a_terminal(course):
    import pty

    controller, terminal = pty.openpty()
    watcher = Watcher(course, "01", stdin=terminal)
    try:
        watcher.wait_for(r"press q to quit")
        os.write(controller, b"q")
        watcher.wait_for(r"Stopped watching")
        assert watcher.process.wait(timeout=30) == 0
    finally:
        watcher.stop()
        os.close(controller)
        os.close(terminal)


@pytest.mark.parametrize(
    "args, breakage, words",
    [
        (["watch", "99"], None, ["no lesson 99"]),
        (["watch", "02"], "checks/lesson_02", ["checks/lesson_02"]),
        (["watch", "02"], "lessons", ["lessons/ folder is missing"]),
        (["watch", "02", "--runs", "0"], None, []),
    ],
)
def test_bad_input_changes_nothing(course, args, breakage, words):
    if breakage:
        shutil.rmtree(course / breakage)
    before = snapshot(course)
    run = mnist_course(course, *args, timeout=60)
    if words:
        assert_refused(run, *words)
    else:  # a usage error from the CLI library: exit 2 too, with its usage line
        assert run.returncode == 2 and "--runs" in run.stderr
    assert snapshot(course) == before


def test_outside_a_course_folder(tmp_path):
    assert_refused(mnist_course(tmp_path, "watch"), "not inside the mnist-course folder")


def test_keeps_watching_when_lessons_is_replaced_by_a_new_folder(course):
    watcher = Watcher(course, "02", "--runs", "3")
    try:
        watcher.wait_for(r"Watching lessons/")
        watcher.wait_for(r"More hints: mnist-course hint 02 normalize")
        # What some editors and `git checkout` do: the old folder moved away, a new one in its place.
        (course / "lessons").rename(course / "lessons-old")
        shutil.copytree(course / "lessons-old", course / "lessons")
        said = watcher.wait_for(r"More hints: mnist-course hint 02 normalize")  # checked again
        assert "lessons/ was replaced" in said
        solve(course, "02")  # a save in the new folder
        watcher.wait_for(r"All \d+ checks of lesson 02 pass")
        assert watcher.process.wait(timeout=WAIT) == 0
    finally:
        watcher.stop()
