"""The notebook edition's packages (the `notebook` extra) missing: said in one line, with the fix.

The extra is hidden from a child interpreter the way Python itself hides a module:
`sys.modules[name] = None` makes `import name` raise ModuleNotFoundError and
`importlib.util.find_spec(name)` answer None, exactly as when it is not installed.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from companion_course import assert_refused, cli_env, copy_course, snapshot

EXTRA = ("jupyterlab", "nbformat", "ipykernel")
FIX = 'pip install -e ".[notebook]"'


def without(*modules: str, args: tuple[str, ...], cwd) -> subprocess.CompletedProcess:
    """`mnist-course ARGS` in a fresh interpreter where `modules` cannot be imported."""
    code = (
        "import sys\n"
        f"for name in {modules!r}:\n"
        "    sys.modules[name] = None\n"
        "from mnist_course.cli import main\n"
        f"main({list(args)!r})\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=cli_env(), capture_output=True, text=True,
        timeout=300, stdin=subprocess.DEVNULL, check=False,
    )


@pytest.fixture
def course(tmp_path):
    return copy_course(tmp_path / "course")


def test_build_only_without_nbformat_names_the_extra_and_makes_nothing(course):
    before = snapshot(course)
    run = without("nbformat", args=("notebooks", "--build-only"), cwd=course)
    assert_refused(run, "nbformat", FIX)
    assert "unexpected error" not in run.stderr
    assert snapshot(course) == before
    assert not (course / ".course" / "notebooks").exists()


def test_doctor_reports_the_missing_extra_once_the_learner_uses_notebooks(course):
    files_only = without(*EXTRA, args=("doctor",), cwd=course)
    assert "Notebooks" not in files_only.stdout, files_only.stdout  # not using them: not a problem

    (course / ".course" / "notebooks").mkdir(parents=True)
    (course / ".course" / "notebooks" / "lesson_02_prepare.ipynb").write_text("{}")
    run = without("nbformat", args=("doctor",), cwd=course)
    assert run.returncode == 1, run.stdout + run.stderr
    line = next(line for line in run.stdout.splitlines() if line[2:].startswith("Notebooks "))
    assert line.startswith("✘") and "nbformat" in line, run.stdout
    assert FIX in run.stdout
    assert "cannot run yet: fix Notebooks" in run.stdout

    from mnist_course.notebooks.learner_copies import missing_notebook_packages

    if not missing_notebook_packages():  # the dev extra leaves JupyterLab out
        installed = without(args=("doctor",), cwd=course)
        line = next(line for line in installed.stdout.splitlines() if line[2:].startswith("Notebooks "))
        assert line.startswith("✔") and "nbformat" in line, installed.stdout
