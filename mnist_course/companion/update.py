"""`mnist-course update [SOURCE] [--ref REF]`: take a newer course without losing any work.

Everything but `lessons/` comes from SOURCE's REF (a git remote or URL; by default the
`upstream` remote's `main`): new checks, hints, docs, solutions, tooling. A lesson file
is only ever written when it is still the untouched stub (it becomes the new stub); a
file the learner has edited is left byte for byte as it is. When the stub of an edited
lesson changed upstream, the learner's file is also backed up (see `backups`, as `reset`
does), so `mnist-course reset NN` can give the new stub and `reset NN --restore` their
work back.

It works without shared history (GitHub Classroom copies a template): the files are
taken from the fetched commit (`git checkout FETCH_HEAD -- <paths>`), not merged.
It refuses, before changing anything, when tracked files outside `lessons/` have
uncommitted changes, since those would be replaced.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from rich.console import Console

from mnist_course.companion import terminal
from mnist_course.companion import backups
from mnist_course.workspace import Workspace, write_atomically
from mnist_course.course import LESSONS, CourseError
from mnist_course.stubs import generate_stub


def git(workspace: Workspace, *args: str) -> str:
    try:
        run = subprocess.run(
            ["git", *args], cwd=workspace.root, capture_output=True, text=True, stdin=subprocess.DEVNULL
        )
    except FileNotFoundError:
        raise CourseError("git is not installed: install it, or update by hand (see the guide).") from None
    if run.returncode:
        why = (run.stderr.strip().splitlines() or ["no message"])[-1]
        raise CourseError(f"`git {' '.join(args)}` failed: {why}")
    return run.stdout


def update(source: str = "upstream", ref: str = "main", console: Console | None = None) -> None:
    console = console or terminal.console(soft_wrap=True)
    workspace = Workspace.here()
    try:
        top = git(workspace, "rev-parse", "--show-toplevel").strip()
    except CourseError:
        raise CourseError("this course folder is not a git repository, so it cannot be updated with git.") from None
    if Path(top).resolve() != workspace.root.resolve():
        raise CourseError(f"the course is inside another git repository ({top}): update it from there.")
    changed = git(workspace, "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)lessons")
    if changed.strip():
        first = changed.splitlines()[0][3:]
        raise CourseError(
            f"{first} (and maybe more) has changes that an update would replace: "
            "commit them (`git commit -am ...`) or put them aside (`git stash`) first."
        )
    before = {
        number: (workspace.stub_text(unit).encode("utf-8"), _read(workspace, unit))
        for number, unit in LESSONS.items()
    }
    git(workspace, "fetch", "--quiet", source, ref)
    git(workspace, "checkout", "FETCH_HEAD", "--", ".", ":(exclude)lessons")
    console.print(f"Took the course files from {source} {ref}; lessons/ was not touched.", markup=False)
    for number, unit in LESSONS.items():
        old_stub, current = before[number]
        if _read(workspace, unit) != current:  # pragma: no cover - the pathspec keeps lessons/ out
            raise CourseError(f"lessons/{unit.filename} changed during the update; see `mnist-course reset --list`.")
        try:
            new_stub = workspace.stub_text(unit).encode("utf-8")
        except CourseError:
            continue  # the lesson is gone upstream: the learner's file stays
        path = f"lessons/{unit.filename}"
        if current is None or current == old_stub:
            if current != new_stub:
                write_atomically(workspace.learner_file(unit), new_stub)
                console.print(f"{path}: you had not started it, so it is the new stub.", markup=False)
        elif new_stub != old_stub:
            backup = backups.save(workspace, unit, current)
            console.print(
                f"{path}: its stub changed upstream; your file is kept as it is (and backed up as "
                f"{backup.stamp}). `mnist-course reset {number}` gives the new stub; "
                f"`mnist-course reset {number} --restore {backup.stamp}` brings yours back.",
                markup=False,
            )
    console.print("Review with `git status`, then `git commit -am \"Course update\"`.", markup=False)


def _read(workspace: Workspace, unit) -> bytes | None:
    """The learner's file as bytes (None only when there is no file at all)."""
    path = workspace.learner_file(unit)
    return path.read_bytes() if path.is_file() else None
