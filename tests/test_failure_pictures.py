"""Failure pictures: whatever a learner's function returned, the picture is drawn, and the
message carries its path."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from mnist_course.check_support.toolkit import CheckFailure, expect
from mnist_course.check_support.failure_pictures import failure_picture_path, save_failure_picture


def test_the_path_names_the_lesson_and_the_check(tmp_path):
    path = failure_picture_path(tmp_path, "07", "test_fit_in_box_keeps_the_shape[a tall 1]")
    assert path == tmp_path / ".course" / "failures" / "lesson_07" / "test_fit_in_box_keeps_the_shape-a-tall-1.png"


def test_any_result_can_be_drawn_beside_the_input(tmp_path):
    rows = [
        ("photo 1: a tall 1", {"input": np.full((30, 20), 200, np.uint8), "expected": np.eye(28, dtype=np.float32),
                              "yours": np.zeros((5, 0), np.float32)}),
        ("photo 2", {"input": np.zeros((4, 4, 3), np.uint8), "expected": np.ones((6, 6), bool),
                     "yours": None}),
        ("photo 3", {"input": "not an array", "expected": np.full((3, 3), np.nan), "yours": np.ones((2, 2, 2, 2))}),
    ]
    path = save_failure_picture(tmp_path / "deep" / "check.png", rows, title="which photo")
    with Image.open(path) as image:
        assert image.format == "PNG" and image.width > 300 and image.height > 300
    assert list(path.parent.glob("*.png")) == [path]  # no temporary file left behind


def test_expect_puts_the_picture_in_the_failure_only_when_it_fails(tmp_path):
    drawn = []

    def picture():
        drawn.append(1)
        return tmp_path / "x.png"

    expect(True, "fit_in_box", "something", "seen", "hint", picture)
    assert drawn == []
    with pytest.raises(CheckFailure) as failure:
        expect(False, "fit_in_box", "something", "seen", "hint", picture)
    assert failure.value.picture == str(tmp_path / "x.png") and drawn == [1]
