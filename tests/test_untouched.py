"""The checks hold a lesson's functions to the grader's rule in the learner's loop too: a call
that changes what it was given fails (mnist_course.check_support.untouched)."""

from __future__ import annotations

import types

import numpy as np
import pytest

from mnist_course.check_support.toolkit import CheckFailure, record_steps
from mnist_course.check_support.untouched import WatchedLesson


def lesson_module() -> types.ModuleType:
    module = types.ModuleType("lesson_demo")
    exec(  # noqa: S102 - a lesson written here, as a learner would
        "def halve(images):\n"
        "    images //= 2\n"
        "    return images\n"
        "def doubled(images):\n"
        "    return twice(images + 0)\n"
        "def twice(images):\n"
        "    images *= 2\n"
        "    return images\n"
        "def preprocess_digit(grey, stages=None):\n"
        "    stages['picture'] = grey\n"
        "    return grey + 0\n",
        module.__dict__,
    )
    return module


def test_a_call_that_changes_its_argument_fails_with_what_it_rewrote():
    lesson = WatchedLesson(lesson_module())
    images = np.array([[4, 4], [4, 5]], dtype=np.uint8)
    with pytest.raises(CheckFailure) as failure:
        lesson.halve(images)
    assert failure.value.function == "halve"
    assert failure.value.seen == ("halve() changed the ndarray it was given as its argument 1 "
                                  "(4 of its 4 values rewritten)")
    assert "copy" in failure.value.hint


def test_what_a_function_is_there_to_change_may_change():
    lesson = WatchedLesson(lesson_module())
    stages = {}
    lesson.preprocess_digit(np.zeros((2, 2)), stages=stages)
    assert list(stages) == ["picture"]


def test_the_lessons_own_calls_between_its_steps_are_not_judged(monkeypatch):
    module = lesson_module()
    lesson = WatchedLesson(module)
    with pytest.raises(CheckFailure):  # called by the check: watched
        lesson.twice(np.ones(3, dtype=np.int64))
    calls = record_steps(monkeypatch, lesson, ["twice"])
    # doubled() hands twice() an array of its own to change: the check's spy runs the lesson's
    # twice(), not the check's watch on it
    assert lesson.doubled(np.ones(3, dtype=np.int64)).tolist() == [2, 2, 2]
    assert calls == ["twice"]


def test_a_checks_spy_is_taken_back_to_the_lessons_own_function():
    module = lesson_module()
    original = module.twice
    lesson = WatchedLesson(module)
    patch = pytest.MonkeyPatch()
    calls = record_steps(patch, lesson, ["twice"])
    assert module.twice is not original
    patch.undo()
    assert module.twice is original and calls == []
