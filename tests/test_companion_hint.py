"""`mnist-course hint`: levels from hints.toml, one more per ask, remembered per function."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from companion_course import ROOT, assert_refused, copy_course, mnist_course, snapshot, solve

from mnist_course.course import LESSONS
from mnist_course.course.hints import hint_levels, load_hints
from mnist_course.course.stubs import solution_functions


@pytest.fixture
def course(tmp_path):
    return copy_course(tmp_path / "course")


def levels(function: str, number: str = "02") -> list[str]:
    return hint_levels(ROOT, number, function)


def test_every_function_a_learner_writes_has_three_hint_levels():
    for number, unit in LESSONS.items():
        functions = solution_functions((ROOT / "solutions" / unit.filename).read_text())
        for function in functions:
            found = hint_levels(ROOT, number, function)
            assert len(found) == 3 and all(level.strip() for level in found), (number, function)
        stray = set(load_hints(ROOT).get(f"lesson_{number}", {})) - set(functions)
        assert not stray, f"hints.toml has hints for functions lesson {number} does not have: {stray}"


def test_each_ask_shows_one_more_level(course):
    normalize = levels("normalize")

    first = mnist_course(course, "hint", "02", "normalize")
    assert first.returncode == 0, first.stderr
    assert "Hint 1 of 3 (a nudge)" in first.stdout and normalize[0][:40] in first.stdout
    assert "Hint 2 of 3" not in first.stdout
    assert "mnist-course hint 02 normalize" in first.stdout  # how to get the next one

    second = mnist_course(course, "hint", "02", "normalize")
    assert "Hint 1 of 3" in second.stdout and "Hint 2 of 3 (the idea)" in second.stdout
    assert normalize[1][:40] in second.stdout and "Hint 3 of 3" not in second.stdout

    for _ in range(2):  # the last level stays the last level
        third = mnist_course(course, "hint", "02", "normalize")
        assert "Hint 3 of 3 (the API to use)" in third.stdout
        assert "np.asarray(images, dtype=np.float32)" in third.stdout
        assert "That is every hint for normalize()" in third.stdout

    # Remembered per function: another function starts at its own first level.
    other = mnist_course(course, "hint", "02", "split_validation")
    assert "Hint 1 of 3" in other.stdout and "Hint 2 of 3" not in other.stdout
    assert levels("split_validation")[0][:40] in other.stdout

    state = json.loads((course / ".course" / "hints.json").read_text())
    assert state == {"lesson_02": {"normalize": 3, "split_validation": 1}}


def test_without_a_function_the_first_unwritten_one_is_chosen(course):
    run = mnist_course(course, "hint", "02")
    assert "first function still to write in lesson 02 is normalize()" in run.stdout
    solve(course, "02", ["normalize"])
    run = mnist_course(course, "hint", "2")
    assert "is reshape_for_model()" in run.stdout
    assert levels("reshape_for_model")[0][:40] in run.stdout

    solve(course, "02")
    run = mnist_course(course, "hint", "02")
    assert run.returncode == 0
    assert "Every function of Lesson 02" in run.stdout
    for function in ("normalize", "reshape_for_model", "split_validation", "validate_shapes"):
        assert f"mnist-course hint 02 {function}" in run.stdout


def test_a_file_that_does_not_parse_is_said_not_called_written(course):
    lesson = course / "lessons" / "lesson_02_prepare.py"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\ndef broken(:\n", encoding="utf-8")
    run = mnist_course(course, "hint", "02")
    assert run.returncode == 0, run.stderr
    assert "Every function" not in run.stdout, run.stdout
    assert "lessons/lesson_02_prepare.py line" in run.stdout and "has a syntax error" in run.stdout
    assert "mnist-course hint 02 normalize" in run.stdout


def test_the_checks_show_the_same_nudge(course):
    """The check failure for a stub reads its nudge from the same hints.toml."""
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "checks/lesson_02", "-p", "no:cacheprovider", "-x", "-q"],
        cwd=course,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1
    assert f"Nudge: {levels('normalize')[0]}" in run.stdout


@pytest.mark.parametrize(
    "args, words",
    [
        (["hint", "99", "normalize"], ["no lesson 99"]),
        (["hint", "02", "normalise"], ["no function normalise()", "normalize"]),
        (["hint", "xx"], ["no lesson xx"]),
    ],
)
def test_bad_input_changes_nothing(course, args, words):
    before = snapshot(course)
    assert_refused(mnist_course(course, *args), *words)
    assert snapshot(course) == before


def test_a_damaged_hint_state_is_reported_not_overwritten(course):
    state = course / ".course" / "hints.json"
    state.parent.mkdir()
    state.write_text("{not json")
    before = snapshot(course)
    assert_refused(mnist_course(course, "hint", "02", "normalize"), "hints.json", "delete it")
    assert snapshot(course) == before


def test_outside_a_course_folder(tmp_path):
    assert_refused(mnist_course(tmp_path, "hint", "02"), "not inside the mnist-course folder")
