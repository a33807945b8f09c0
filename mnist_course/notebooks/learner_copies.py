"""`mnist-course notebooks`: the learner's own notebooks, in `.course/notebooks/`, opened in JupyterLab.

The committed `notebooks/` stay as generated (Colab opens them from the repository); the
learner works in copies under `.course/notebooks/` (git-ignored, like their models):

- a lesson's notebook is made the first time, from the learner's `lessons/` file: every
  function already written there fills its cell, the others are stubs, so work done in the
  files is never lost by switching to notebooks;
- an existing notebook is never overwritten. `--rebuild NN` makes it afresh from
  `lessons/` (after edits made in the files), moving the old one to `.course/backups/notebooks/`.

The other direction is the notebook's: each function that passes its check there is written
into `lessons/` (see `mnist_course.notebooks.in_notebook`).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import subprocess
import sys
from pathlib import Path

from mnist_course.course.workspace import Workspace, relative, resolve_lesson, write_atomically
from mnist_course.course import LESSONS, CourseError, Lesson
from mnist_course.notebooks.build import lesson_notebook, notebook_name, notebook_text

# What `pip install -e ".[notebook]"` brings (pyproject.toml's `notebook` extra): the course's
# own dependencies leave it out, so a learner who works in files never downloads JupyterLab.
NOTEBOOK_EXTRA = ("jupyterlab", "nbformat", "ipykernel")
NOTEBOOK_FIX = 'from the course folder: python -m pip install -e ".[notebook]"'


def missing_notebook_packages(names: tuple[str, ...] = NOTEBOOK_EXTRA) -> list[str]:
    """Those of `names` that this interpreter cannot import (found without importing them)."""
    missing = []
    for name in names:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # a broken or half-removed installation
            found = False
        if not found:
            missing.append(name)
    return missing


def require_notebook_packages(names: tuple[str, ...]) -> None:
    """A CourseError naming the extra and its install line when any of `names` is missing."""
    missing = missing_notebook_packages(names)
    if missing:
        raise CourseError(
            f"the notebook edition's packages are not installed (no {', '.join(missing)}): "
            f"{NOTEBOOK_FIX}, then run `mnist-course notebooks` again."
        )


def uses_notebooks(workspace: Workspace) -> bool:
    """Whether the learner has started the notebook edition (their notebooks exist)."""
    return workspace.notebooks.is_dir() or workspace.notebook_checks.is_dir()


def learner_notebook(workspace: Workspace, unit: Lesson) -> Path:
    return workspace.notebooks / notebook_name(unit)


def _learner_source(workspace: Workspace, unit: Lesson) -> str | None:
    try:
        return workspace.learner_source(unit)
    except CourseError:
        return None  # no lessons/ file: the notebook starts from the stubs


def write_notebook(workspace: Workspace, unit: Lesson) -> Path:
    path = learner_notebook(workspace, unit)
    notebook = lesson_notebook(workspace.root, unit, _learner_source(workspace, unit))
    write_atomically(path, notebook_text(notebook))
    return path


def rebuild(workspace: Workspace, unit: Lesson) -> Path | None:
    """Make `unit`'s notebook afresh from lessons/; return where the old one was kept."""
    path = learner_notebook(workspace, unit)
    kept = None
    if path.is_file():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = workspace.backups / "notebooks" / f"{path.stem}-{stamp}.ipynb"
        write_atomically(kept, path.read_bytes())
    write_notebook(workspace, unit)
    return kept


def prepare(workspace: Workspace) -> list[Path]:
    """Make every lesson's notebook that does not exist yet; return the ones made."""
    made = []
    for unit in LESSONS.values():
        workspace.solution_file(unit)  # a missing solution is a clear error before any write
        if not learner_notebook(workspace, unit).is_file():
            made.append(write_notebook(workspace, unit))
    return made


def open_notebooks(build_only: bool = False, rebuild_lesson: str | None = None, port: int | None = None) -> None:
    workspace = Workspace.here()
    require_notebook_packages(("nbformat",))  # before anything is made: building needs it
    if rebuild_lesson is not None:
        unit = resolve_lesson(rebuild_lesson)
        kept = rebuild(workspace, unit)
        print(f"Rebuilt {relative(learner_notebook(workspace, unit), workspace.root)} from lessons/{unit.filename}.")
        if kept:
            print(f"Your previous notebook is kept in {relative(kept, workspace.root)}.")
    for path in prepare(workspace):
        print(f"Made {relative(path, workspace.root)}")
    folder = workspace.notebooks
    if build_only:
        print(f"Your notebooks are in {relative(folder, workspace.root)}/")
        return
    # After the build: notebooks made without JupyterLab still open in other editors.
    require_notebook_packages(("jupyterlab",))
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}"]
    if port:
        command.append(f"--port={port}")
    print(f"Starting JupyterLab in {relative(folder, workspace.root)}/ (Ctrl+C twice stops it).")
    try:
        subprocess.run(command, cwd=folder, check=False)
    except KeyboardInterrupt:
        pass
