"""Helpers for the companion tests: a scratch course, the CLI run in it, snapshots of its files."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from mnist_course.course import LESSONS, lesson
from mnist_course.course.stubs import function_source, generate_stub
from mnist_course.course.workspace import Workspace
from warm_python import run_python

ROOT = Path(__file__).resolve().parents[1]


def copy_course(destination: Path) -> Path:
    """Copy the course as git sees it (`Workspace.copy_to`), with pristine stubs in lessons/."""
    Workspace(ROOT).copy_to(destination)
    # Whatever the working tree's lessons/ holds, the learner in the copy starts from stubs.
    for number, unit in LESSONS.items():
        solution = destination / "solutions" / unit.filename
        if solution.is_file():
            stub = generate_stub(solution.read_text(encoding="utf-8"), unit)
            (destination / "lessons" / unit.filename).write_text(stub, encoding="utf-8")
    return destination


def cli_env(**overrides: str | None) -> dict[str, str]:
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1", PYTHONDONTWRITEBYTECODE="1")
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "mnist_course.cli", *args]


def mnist_course(course: Path, *args: str, timeout: int = 300,
                 **env) -> subprocess.CompletedProcess:  # fmt: skip
    """Run `mnist-course ARGS` in `course`, as a learner would: forked from the warm Python,
    which behaves as a fresh interpreter (warm_python.py), or in one when it cannot."""
    return run_python(cli_command(*args)[1:], cwd=course, env=cli_env(**env), timeout=timeout)


# Where MNIST is: noted by the course whenever it loads MNIST (mnist_course/training/data.py), so a
# new terminal finds it. Course state, not the learner's work: a snapshot leaves it out.
MNIST_NOTE = Path(".course") / "mnist.json"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` (relative path -> SHA-256), to prove a command changed nothing."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.relative_to(folder) != MNIST_NOTE
    }


def assert_refused(run: subprocess.CompletedProcess, *words: str) -> None:
    """A bad-input refusal: exit code 2, one line on stderr that says why, no traceback."""
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 2, (run.returncode, run.stdout, run.stderr)
    assert len(lines) == 1 and lines[0].startswith("mnist-course: "), run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    for word in words:
        assert word in lines[0], (word, lines[0])


def solve(course: Path, number: str, functions: list[str] | None = None) -> None:
    """Write the reference body of `functions` (default: all) into the course's lesson file."""
    unit = lesson(number)
    reference = (course / "solutions" / unit.filename).read_text(encoding="utf-8")
    path = course / "lessons" / unit.filename
    if functions is None:
        path.write_text(reference, encoding="utf-8")
        return
    text = path.read_text(encoding="utf-8")
    for name in functions:
        text = text.replace(function_source(text, name), function_source(reference, name))
    path.write_text(text, encoding="utf-8")
