"""The codec of isolated grading (mnist_course/grading/codec.py): a value crosses as its own type."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mnist_course.grading.codec import Decoder, Encoder


def round_trip(value):
    encoder = Encoder()
    tree = json.loads(json.dumps(encoder.encode(value)))
    return Decoder(encoder.blobs).decode(tree)


@pytest.mark.parametrize(
    "value", [0.75, np.float64(0.75), np.float32(0.75), np.int64(3), 3, True, np.bool_(True)], ids=repr
)
def test_a_number_comes_back_as_the_same_type(value):
    # np.float64 is a subclass of float: sent as a plain float it came back as a Python
    # float, so a check that asks for a Python float (lesson 06's accuracy) passed a
    # NumPy float when graded with --isolated and failed it when run by the learner.
    back = round_trip(value)
    assert type(back) is type(value) and back == value
