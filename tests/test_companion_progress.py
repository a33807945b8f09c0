"""`mnist-course progress`: every lesson's checks in one run, a table, and the next step.

Two full runs (each imports TensorFlow once): on a fresh course, then after the learner
has finished lesson 02 and written one function of lesson 03.
"""

from __future__ import annotations

import io
import json
import re
import shutil

import pytest
from companion_course import assert_refused, copy_course, mnist_course, snapshot, solve

from mnist_course.course import LESSONS
from mnist_course.course.stubs import solution_functions

pytestmark = pytest.mark.slow


@pytest.fixture
def course(tmp_path):
    return copy_course(tmp_path / "course")


def first_function(course, number: str) -> str:
    source = (course / "solutions" / LESSONS[number].filename).read_text()
    return solution_functions(source)[0]


def test_a_fresh_course_is_not_started(course):
    before = snapshot(course)
    run = mnist_course(course, "progress", "--json")
    assert run.returncode == 0, run.stderr
    rows = {row["number"]: row for row in json.loads(run.stdout)["lessons"]}
    assert list(rows) == list(LESSONS)
    for number, row in rows.items():
        assert row["status"] == "not started" and row["passed"] == 0 and row["total"] > 0, row
        assert row["next_function"] == first_function(course, number)
        assert row["check_command"] == f"pytest checks/lesson_{number}"
    # The checks ran in the course without leaving anything behind (.pytest_cache, __pycache__);
    # new files are only the course's own state: where it found MNIST, the checks' cache.
    after = snapshot(course)
    assert all(path.startswith(".course/") for path in set(after) - set(before)), set(after) - set(before)
    assert {path: digest for path, digest in after.items() if path in before} == before
    assert not list(course.rglob("__pycache__")) and not (course / ".pytest_cache").exists()


def test_after_solving_a_lesson(course):
    solve(course, "02")
    solve(course, "03", ["label_counts"])
    run = mnist_course(course, "progress")
    assert run.returncode == 0, run.stderr
    # Piped (`progress | head -1`), the title comes first, not the empty line the bar left.
    assert run.stdout.startswith("Your progress"), run.stdout[:200]
    table = {
        match.group(1): match.group(0)
        for match in re.finditer(r"^\S\s+(\d\d)\s.*$", run.stdout, flags=re.MULTILINE)
    }
    assert re.search(r"Prepare the data\s+\S\s+(\d+)/\1\s+\S\s+done", table["02"]), table["02"]
    assert re.search(r"in progress\s+\S\s+plot_samples\(\)", table["03"]), table["03"]
    assert not re.search(r"\s0/\d+", table["03"])  # label_counts' check passes now
    assert "not started" in table["01"] and "load_mnist()" in table["01"]
    assert f"1 of {len(LESSONS)} lessons done" in run.stdout
    assert "Next: Lesson 01 · Load the data · load_mnist() in lessons/lesson_01_load.py" in run.stdout
    assert "check: pytest checks/lesson_01" in run.stdout
    assert "stuck? mnist-course hint 01 load_mnist" in run.stdout


def test_a_missing_checks_folder(course):
    shutil.rmtree(course / "checks" / "lesson_03")
    before = snapshot(course)
    assert_refused(mnist_course(course, "progress"), "checks/lesson_03", "git checkout")
    assert snapshot(course) == before


def test_outside_a_course_folder(tmp_path):
    assert_refused(mnist_course(tmp_path, "progress"), "not inside the mnist-course folder")


def rendered(width: int) -> str:
    from rich.console import Console

    from mnist_course.companion.progress import DONE, NOT_STARTED, LessonProgress, render

    rows = [LessonProgress("01", "Load the data", 12, 12, DONE, None, "",
                           "pytest checks/lesson_01"),
            LessonProgress("02", "Prepare the data", 0, 19, NOT_STARTED, "normalize", "",
                           "pytest checks/lesson_02")]  # fmt: skip
    out = io.StringIO()
    render(rows, 20.0, Console(file=out, width=width))
    return out.getvalue()


def test_a_terminal_too_narrow_for_the_table_gets_a_plain_line_per_lesson():
    """COLUMNS=20 made lesson numbers "…", the Status column empty, and the hint command two."""
    for width in (20, 40):
        shown = rendered(width)
        assert "…" not in shown, shown
        assert re.search(r"^01  Load the data  12/12  done$", shown, re.M), shown
        assert re.search(r"^02  Prepare the data  0/19  not started  normalize\(\)$", shown, re.M)
        assert re.search(r"^  stuck\? mnist-course hint 02 normalize$", shown, re.M), shown
        assert re.search(r"^  check: pytest checks/lesson_02$", shown, re.M), shown
    assert "┃ Lesson ┃" in rendered(80)  # wide enough: the table
