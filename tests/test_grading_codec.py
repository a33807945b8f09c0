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


def npy_claiming(shape, dtype="<f8") -> bytes:
    """An .npy header that claims `shape`, with no data after it."""
    header = repr({"descr": dtype, "fortran_order": False, "shape": shape}).encode()
    header += b" " * (63 - (len(header) + 10) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header


def reply_of(value):
    encoder = Encoder()
    return json.loads(json.dumps(encoder.encode(value))), encoder.blobs


@pytest.mark.parametrize("make", [
    lambda: ({"$": "objarray", "shape": [3, 5], "v": [1, 2]}, []),  # reshape fails
    lambda: ({"$": "objarray", "shape": ["x"], "v": []}, []),
    lambda: ({"$": "objarray", "shape": [1]}, []),  # no items
    lambda: ({"$": "array", "b": 0}, [npy_claiming((10**11,))]),  # 745 GiB asked for
    lambda: ({"$": "array", "b": 0}, [npy_claiming((60000, 28, 28), "|V0")]),  # a shape of nothing
], ids=["objarray reshape", "objarray shape", "objarray items", "huge npy", "V0 array"])
def test_a_reply_made_to_trip_the_decoder_is_said_as_unreadable_not_as_the_learners_value(make):
    # A probe's forged replies raised ValueError, KeyError, MemoryError out of the decoder, and
    # the check then told the learner "returned, but the check could not use what it returned:
    # MemoryError: Unable to allocate 745. GiB"; a V0 array decoded as (60000, 28, 28).
    import types

    from mnist_course.grading.remote import RemoteLesson, WorkerFailed

    node, blobs = make()
    if node.get("$") == "array":  # the array node as the encoder writes it, pointing at the blob
        node = {**reply_of(np.zeros(2))[0], "b": 0}
    with pytest.raises(WorkerFailed, match="could not be read back"):
        RemoteLesson._decode(types.SimpleNamespace(_worker=None), node, blobs, [])
