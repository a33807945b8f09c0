"""The pipe between a grader and its worker: a reply is refused by its stated sizes, before
it is read or parsed, when it is more than a reply can need."""

from __future__ import annotations

import os
import struct
import threading

import pytest

from mnist_course.grading.channel import MAX_HEADER, MessageRefused, receive, send


def test_a_reply_round_trips():
    read, write = os.pipe()
    send(write, {"value": [1, 2.5, "three"]}, [b"blob"])
    assert receive(read, None) == ({"value": [1, 2.5, "three"]}, [b"blob"])
    os.close(read), os.close(write)


def test_a_header_bigger_than_any_reply_needs_is_refused_unread():
    # A probe wrote a 100 MB header of `{},` straight to the reply pipe: parsed, it took the
    # grader to 2.6 GB; a 1 GB one (then allowed) would take more memory than the machine has.
    read, write = os.pipe()
    claim = struct.pack("<Q", MAX_HEADER + 1) + struct.pack("<Q", 0)
    writer = threading.Thread(target=os.write, args=(write, claim + b'{"v": [' + b"{}," * 1000), daemon=True)
    writer.start()
    with pytest.raises(MessageRefused, match="more than allowed"):
        receive(read, None)
    os.close(read), os.close(write)
