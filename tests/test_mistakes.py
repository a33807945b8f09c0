"""The catalogue of realistic learner mistakes: substantial, well formed, and all of it run.

Each lesson's mistakes are run by tests/test_mistakes_lesson_NN.py (the harness, and how a
mistake is written, are in tests/mistakes_harness.py).
"""

from __future__ import annotations

from mnist_course.course.dev import check_mistakes, lesson_of_mistake

from conftest import ROOT
from mistakes_harness import MISTAKES, lesson_test_file, mistakes_of


def test_the_catalogue_is_substantial():
    assert len(MISTAKES) >= 15
    assert check_mistakes(ROOT) == []
    # Every mistake is run: its lesson has a test file, which takes the lesson's whole folder.
    lessons = {lesson_of_mistake(path).number for path in MISTAKES}
    assert all(lesson_test_file(number).is_file() for number in lessons), sorted(lessons)
    assert sorted(path for number in lessons for path in mistakes_of(number)) == MISTAKES
