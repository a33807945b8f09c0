"""The maintainer's `python -m mnist_course.course.dev check` passes, and catches what drifts."""

from __future__ import annotations

import re
import subprocess
import sys

from mnist_course.course import dev
from mnist_course.course import LESSONS

from conftest import ROOT, copy_course


def test_the_course_agrees_with_itself():
    result = subprocess.run(
        [sys.executable, "-m", "mnist_course.course.dev", "check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("ok  ") == len(dev.RULES), result.stdout


def test_a_readme_row_that_disagrees_with_the_catalogue_is_caught(tmp_path):
    course = copy_course(tmp_path / "course")
    readme = course / "README.md"
    text = readme.read_text(encoding="utf-8")
    assert dev.check_readme(course) == []
    readme.write_text(text.replace("| 02 Prepare the data | `normalize`, ", "| 02 Prepare the data | "), encoding="utf-8")
    assert dev.check_readme(course), "a function missing from the README table went unnoticed"
    readme.write_text(re.sub(r"^\| 08 .*\n", "", text, flags=re.M), encoding="utf-8")
    assert dev.check_readme(course), "a lesson missing from the README table went unnoticed"


def test_a_nav_that_disagrees_with_the_catalogue_is_caught(tmp_path):
    course = copy_course(tmp_path / "course")
    mkdocs = course / "mkdocs.yml"
    text = mkdocs.read_text(encoding="utf-8")
    assert dev.check_nav(course) == []
    first, second = (f"{unit.number} · {unit.title}: {unit.page}" for unit in list(LESSONS.values())[1:3])
    swapped = text.replace(first, "@@").replace(second, first).replace("@@", second)
    mkdocs.write_text(swapped, encoding="utf-8")
    assert dev.check_nav(course), "lessons out of order in the nav went unnoticed"
    mkdocs.write_text(text.replace(f"      - {second}\n", ""), encoding="utf-8")
    assert dev.check_nav(course), "a lesson missing from the nav went unnoticed"


def test_stale_stubs_and_missing_hints_are_caught(tmp_path):
    course = copy_course(tmp_path / "course")
    unit = LESSONS["02"]
    stub = course / "lessons" / unit.filename
    stub.write_text(stub.read_text(encoding="utf-8") + "\n# drift\n", encoding="utf-8")
    assert dev.check_stubs(course)
    hints = course / "hints.toml"
    hints.write_text(hints.read_text(encoding="utf-8").replace("[lesson_02.normalize]", "[lesson_02.normalise]"))
    dev.load_hints.cache_clear()
    problems = dev.check_hints(course)
    assert any("lesson_02.normalize" in problem for problem in problems), problems
    assert any("lesson_02.normalise" in problem for problem in problems), problems


def test_a_renamed_function_the_tools_call_is_caught(tmp_path):
    course = copy_course(tmp_path / "course")
    assert dev.check_contract(course) == []
    solution = course / "solutions" / LESSONS["02"].filename
    solution.write_text(solution.read_text(encoding="utf-8").replace("def normalize(", "def normalise("))
    problems = dev.check_contract(course)
    assert any("normalize() of lesson 02" in problem for problem in problems), problems
    tool = course / "mnist_course" / "training" / "pipeline.py"
    tool.write_text(tool.read_text(encoding="utf-8") + '\nimpl.function("06", "f1_score")\n')
    problems = dev.check_contract(course)
    assert any("f1_score() of lesson 06" in problem for problem in problems), problems
