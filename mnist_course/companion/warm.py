"""Libraries kept imported between check runs, for the commands that rerun the checks.

`mnist-course watch` runs a lesson's checks again on every save, and a notebook's `check()`
on every call. Each run is a fresh child pytest (see `runner`), and most of its time is
spent importing TensorFlow before the first check starts: a warm rerun takes less than
half the time of a fresh one (bench/check_speed.py). A `WarmChecks` starts one zygote
(`grading/zygote.py`) when the session starts, so TensorFlow is imported while the learner
reads and types, and each run's child pytest is forked from it: a process of its own, with
its own copy of everything, that starts with the libraries already imported. The lesson
file and the checks are still imported afresh in each child, as before.

Only the lessons that need Keras are forked: the others' checks start in about two
seconds anyway. Where no zygote can run (not POSIX), or it fails (it died, or did not
answer in time), the run starts its process as before and the next run gets a new zygote:
warm is only ever faster, never different.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from mnist_course.course import Lesson


class WarmChecks:
    """One heavy zygote for a session of check runs, started now (`start_now`) or when the
    first lesson that needs Keras is checked (that run starts its own process)."""

    def __init__(self, root: Path, start_now: bool = False):
        self.root = root
        self.zygote = None
        self.folder: str | None = None
        if start_now:
            self.start()

    def start(self) -> None:
        import socket

        if os.name != "posix" or not hasattr(socket, "send_fds"):
            return
        from mnist_course.grading.remote import Zygote

        self.folder = tempfile.mkdtemp(prefix="mnist-course-warm-")
        try:
            # A report's kind of zygote: only its runner's socket may ask for a child pytest
            # ("spawn"); the graders' socket at `address` goes unused here.
            address = os.path.join(self.folder, "socket")
            self.zygote = Zygote.start_shared(address, self.root, heavy=True)
        except OSError:
            self.close()

    def spawn(
        self, lessons: list[Lesson], command: list[str], env: dict[str, str], folder: Path,
        output: int,
    ):
        """The child pytest checking `lessons`, forked from the zygote, as `Zygote.spawn`;
        None when the caller should start a process."""
        if not any(unit.needs_keras for unit in lessons):
            return None
        if self.zygote is None:
            self.start()
            return None  # this run starts its own process while the new zygote imports
        spawned = self.zygote.spawn(command, env, folder, output)
        if spawned is None:  # gone, or its late answer would be read as the next one's
            self.close()
            self.start()  # for the next run
        return spawned

    def close(self) -> None:
        if self.zygote is not None:
            self.zygote.close()
            self.zygote = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> "WarmChecks":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
