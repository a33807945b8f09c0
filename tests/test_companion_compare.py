"""`mnist-course compare`: a diff against the reference, refused while the checks fail."""

from __future__ import annotations

import shutil

import pytest
from companion_course import assert_refused, copy_course, mnist_course, snapshot, solve

LESSON = "lessons/lesson_02_prepare.py"


@pytest.fixture
def course(tmp_path):
    return copy_course(tmp_path / "course")


def test_refused_while_the_checks_fail(course):
    before = snapshot(course)
    run = mnist_course(course, "compare", "02")
    assert_refused(run, "do not pass yet", "spoil", "--force")
    assert run.stdout == ""
    assert snapshot(course) == before


def test_force_shows_the_reference_anyway(course):
    run = mnist_course(course, "compare", "02", "--force")
    assert run.returncode == 0, run.stderr
    assert "--force" in run.stdout
    assert "-    raise NotImplementedError(" in run.stdout
    assert "+    return np.asarray(images, dtype=np.float32) / np.float32(255.0)" in run.stdout
    assert "BEGIN SOLUTION" not in run.stdout  # the markers are the generator's, not code
    assert "Scale pixel values" not in run.stdout  # docstrings are the same spec on both sides
    assert "0 of 4 functions match" in run.stdout


def test_once_the_checks_pass_it_compares_without_force(course):
    solve(course, "02")
    path = course / LESSON
    path.write_text(
        path.read_text().replace(
            "return np.asarray(images, dtype=np.float32) / np.float32(255.0)",
            "return images.astype(np.float32) / 255",
        )
    )
    run = mnist_course(course, "compare", "02")
    assert run.returncode == 0, run.stderr
    assert "--force" not in run.stdout
    assert "-    return images.astype(np.float32) / 255" in run.stdout
    assert "+    return np.asarray(images, dtype=np.float32) / np.float32(255.0)" in run.stdout
    for same in ("reshape_for_model", "split_validation", "validate_shapes"):
        assert f"{same}(): same as the reference" in run.stdout
    assert "3 of 4 functions match" in run.stdout

    wide = mnist_course(course, "compare", "02", "--side-by-side", "--force")
    assert wide.returncode == 0, wide.stderr
    row = next(line for line in wide.stdout.splitlines() if "images.astype" in line)
    assert "np.asarray(images, dtype=np.float32)" in row  # yours and the reference side by side


@pytest.mark.parametrize(
    "args, words",
    [
        (["compare", "99"], ["no lesson 99"]),
        (["compare", "99", "--force"], ["no lesson 99"]),
    ],
)
def test_unknown_lesson(course, args, words):
    before = snapshot(course)
    assert_refused(mnist_course(course, *args), *words)
    assert snapshot(course) == before


def test_missing_lesson_folder_or_file(course):
    (course / "lessons" / "lesson_03_explore.py").unlink()
    before = snapshot(course)
    assert_refused(mnist_course(course, "compare", "03", "--force"), "reset 03")
    assert snapshot(course) == before

    solve(course, "02")
    shutil.rmtree(course / "checks" / "lesson_02")
    before = snapshot(course)
    assert_refused(mnist_course(course, "compare", "02"), "checks/lesson_02")
    assert snapshot(course) == before


def test_outside_a_course_folder(tmp_path):
    assert_refused(mnist_course(tmp_path, "compare", "02"), "not inside the mnist-course folder")
