"""What `report` copies from a submission before grading it: only its own regular files.

A probe graded a submission whose `lessons` was a link to `/proc/self/cwd/solutions` (the
grader runs from the course root): 80/80 with no code. These tests hold the copy and the
report to "a submission's folders and files are graded only as themselves".
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import ROOT
from mnist_course.companion.report import MOST_LESSON_BYTES, submission_copy
from mnist_course.course import LESSONS

LESSON_01, LESSON_02, LESSON_03 = (LESSONS[n].filename for n in ("01", "02", "03"))


def report(lessons, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "mnist_course.cli", "report", "--same-user", "--json", "--lessons", str(lessons)],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )


@pytest.mark.parametrize("target", ["/proc/self/cwd/solutions", str(ROOT / "solutions")])
def test_a_lessons_folder_that_is_a_link_is_refused_before_anything_runs(tmp_path, target):
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "lessons").symlink_to(target)
    run = report(submission / "lessons")
    assert run.returncode == 2 and run.stdout == "", run.stdout[-2000:]
    line = run.stderr.strip()
    assert "is a link" in line and "Give the folder itself" in line and "Traceback" not in line, line


def test_a_submission_folder_that_is_a_link_is_refused_too(tmp_path):
    (tmp_path / "real" / "lessons").mkdir(parents=True)
    (tmp_path / "alice").symlink_to(tmp_path / "real")  # another learner's work, say
    run = report(tmp_path / "alice" / "lessons")
    assert run.returncode == 2 and f"{tmp_path / 'alice'} is a link" in run.stderr, run.stderr


def test_only_regular_files_of_a_sensible_size_are_copied(tmp_path, capsys):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / LESSON_01).write_text("def load_mnist(path=None):\n    pass\n")
    os.mkfifo(lessons / LESSON_02)  # opening it for reading would wait for a writer for ever
    with open(lessons / LESSON_03, "wb") as sparse:  # 8 KB on disk, 2 GB to a reader
        sparse.truncate(2 * 1024**3)
    (lessons / LESSONS["04"].filename).symlink_to(ROOT / "solutions" / LESSONS["04"].filename)
    (lessons / LESSONS["05"].filename).mkdir()
    (tmp_path / "scratch").mkdir()
    copy = submission_copy(lessons, tmp_path / "scratch" / "lessons")
    said = capsys.readouterr().err
    assert sorted(path.name for path in copy.iterdir()) == [LESSON_01, LESSONS["05"].filename]
    assert (copy / LESSON_01).read_text().startswith("def load_mnist")
    assert (copy / LESSONS["05"].filename).is_dir()
    assert f"{LESSON_02} is not a regular file: not graded." in said
    assert f"{LESSON_03} is 2,147,483,648 bytes, more than a lesson file can be ({MOST_LESSON_BYTES:,})" in said
    assert f"{LESSONS['04'].filename} is a link, not a file of the submission's own: not graded." in said


def test_a_submission_folder_swapped_for_a_link_after_the_look_is_not_followed(tmp_path, monkeypatch):
    # The race a probe won one time in six: the folders checked, then swapped for links to
    # another learner's before they were opened. Here the swap happens between the two.
    import mnist_course.companion.report as report

    mine, theirs = tmp_path / "alice" / "course", tmp_path / "bob" / "course"
    for course in (mine, theirs):
        (course / "lessons").mkdir(parents=True)
    (mine / "lessons" / LESSON_01).write_text("# mine\n")
    (theirs / "lessons" / LESSON_01).write_text("# theirs, finished\n")
    looked = report._open_submission

    def swapped_then_opened(lessons_dir):
        os.rename(mine, tmp_path / "alice" / "real")
        mine.symlink_to(theirs)
        return looked(lessons_dir)

    monkeypatch.setattr(report, "_open_submission", swapped_then_opened)
    (tmp_path / "scratch").mkdir()
    with pytest.raises(report.CourseError, match="cannot be opened as a folder of its own"):
        submission_copy(mine / "lessons", tmp_path / "scratch" / "lessons")
