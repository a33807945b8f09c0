"""The modules' old names (`mnist_course/moved.py`) still import, as the very modules that moved.

A learner's own lesson files and notebooks keep the imports they were made with after
`mnist-course update`; those must go on working, with the same classes (an exception raised
by `mnist_course.training.data` is caught as `mnist_course.data.MnistFileError`).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mnist_course.course import LESSONS
from mnist_course.course.dev import check_old_names
from mnist_course.moved import MOVED

from conftest import ROOT, copy_course, run_learner_checks

# What the reference lessons imported before the move: a learner's file still says this.
OLD_LESSON_IMPORTS = {
    "01": ["from mnist_course.data import MnistFileError, download_mnist, read_mnist_file"],
    "07": ["from mnist_course.digit_tools import (", "from mnist_course.image_files import open_picture",
           "from mnist_course.stage_figure import show_stages"],
}


@pytest.mark.parametrize("old", sorted(MOVED))
def test_an_old_name_is_the_moved_module_itself(old):
    new = MOVED[old]
    module = importlib.import_module(new)
    assert module.__name__ == new and module.__spec__.name == new
    package, _, leaf = old.rpartition(".")
    spellings = {}
    exec(f"import {old}\nspellings['import'] = {old}", {"spellings": spellings})
    exec(f"from {package} import {leaf} as got\nspellings['from package'] = got", {"spellings": spellings})
    spellings["import_module"] = importlib.import_module(old)
    for spelling, got in spellings.items():
        assert got is module, f"{spelling} {old} gave {got!r}, not {new}"
    assert sys.modules[old] is module


@pytest.mark.parametrize("old", sorted(MOVED))
def test_every_new_name_is_a_file_and_no_old_one_is(old):
    new = importlib.util.find_spec(MOVED[old])
    assert new is not None and new.origin and Path(new.origin).is_file(), MOVED[old]
    assert not (ROOT / f"{old.replace('.', '/')}.py").exists(), f"{old} is both moved and still there"
    assert old not in MOVED.values(), f"{old} is both an old name and a new one"


def test_importing_the_package_imports_none_of_them():
    code = ("import sys, mnist_course\n"
            "from mnist_course.moved import MOVED\n"
            "print(sorted(name for name in set(MOVED) | set(MOVED.values()) if name in sys.modules))\n"
            "print(sorted({'numpy', 'tensorflow', 'keras'} & set(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["[]", "[]"], result.stdout


def test_files_left_at_the_old_paths_are_never_imported(tmp_path):
    # `mnist-course update` takes the new course with `git checkout FETCH_HEAD -- .`, which
    # adds and replaces files but deletes none: a learner's folder keeps the old modules.
    course = copy_course(tmp_path / "course")
    for old in [*MOVED, "mnist_course.course"]:
        (course / f"{old.replace('.', '/')}.py").write_text(f"raise RuntimeError('the old file {old} ran')\n")
    code = ("import importlib, mnist_course.course\n"
            "from mnist_course.moved import MOVED\n"
            "assert hasattr(mnist_course.course, 'LESSONS'), mnist_course.course.__file__\n"
            "for old, new in MOVED.items():\n"
            "    assert importlib.import_module(old) is importlib.import_module(new), old\n"
            "print('ok')")
    result = subprocess.run([sys.executable, "-c", code], cwd=course, capture_output=True, text=True,
                            timeout=300, env={**os.environ, "PYTHONPATH": str(course)})
    assert result.stdout.strip() == "ok", result.stdout + result.stderr


def test_python_m_runs_a_module_by_its_old_name():
    result = subprocess.run([sys.executable, "-m", "mnist_course.dev"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr  # the usage line: it ran
    assert "dev check" in result.stderr, result.stderr


def test_reference_lessons_with_the_old_imports_pass_their_checks(tmp_path):
    impl = tmp_path / "impl"
    shutil.copytree(ROOT / "solutions", impl, ignore=shutil.ignore_patterns("__pycache__"))
    for number, lines in OLD_LESSON_IMPORTS.items():
        path = impl / LESSONS[number].filename
        text = path.read_text(encoding="utf-8")
        for old, new in MOVED.items():
            text = text.replace(f"from {new} import", f"from {old} import")
        for line in lines:
            assert line in text, f"{path.name}: {line!r} not made"
        path.write_text(text, encoding="utf-8")
    result = run_learner_checks(*(LESSONS[number].checks for number in OLD_LESSON_IMPORTS),
                                f"--impl={impl}", "-q")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "passed" in result.stdout and "failed" not in result.stdout, result.stdout[-4000:]


def test_the_dev_check_catches_an_old_name(tmp_path):
    course = copy_course(tmp_path / "course")
    assert check_old_names(course) == []
    checks = course / "checks" / "lesson_01" / "test_new.py"
    checks.write_text("from mnist_course.checking import expect\n", encoding="utf-8")
    guide = course / "docs" / "new.md"
    guide.write_text("Read `mnist_course/digit_tools.py`, then `from mnist_course import (\n    data,\n)`.\n",
                     encoding="utf-8")
    problems = "\n".join(check_old_names(course))
    for old in ("mnist_course.checking", "mnist_course.digit_tools", "mnist_course.data"):
        assert old in problems, problems
