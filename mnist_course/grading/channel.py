"""Messages between the grader and a worker: a JSON header and binary blobs, length-prefixed.

A message is `[8-byte header length][8-byte blob count]`, the header (UTF-8 JSON), then each
blob as `[8-byte length][bytes]`. Nothing here executes what it reads: the header is JSON and
blobs are bytes, which `codec` turns into arrays with `allow_pickle=False`.

Every length is checked against `MAX_MESSAGE` before anything is read, so a worker that
claims a huge message costs a one-line error, not the grader's memory.
"""

from __future__ import annotations

import json
import os
import select
import struct
import time

MAX_MESSAGE = 1 << 30  # 1 GiB: all of MNIST is 55 MB
# Arrays travel as blobs, so a header is structure and short text; JSON parsing costs about 20
# times a header's size in memory (a probe's 100 MB header of `{},` took the grader to 2.6 GB).
MAX_HEADER = 16 << 20
MAX_BLOBS = 100_000
_LENGTH = struct.Struct("<Q")


class ChannelClosed(Exception):
    """The other side ended (or sent something that is not a message)."""


class MessageRefused(ChannelClosed):
    """A message arrived, but not one to read: too large, or not a message at all."""


class ChannelTimeout(Exception):
    """No whole message arrived in time."""


def send(fd: int, header: dict, blobs: list[bytes] = ()) -> None:
    head = json.dumps(header, allow_nan=False).encode("utf-8")
    parts = [_LENGTH.pack(len(head)), _LENGTH.pack(len(blobs)), head]
    for blob in blobs:
        parts += [_LENGTH.pack(len(blob)), blob]
    data = memoryview(b"".join(parts))
    while data:
        try:
            written = os.write(fd, data)
        except BrokenPipeError:
            raise ChannelClosed("the other side has gone") from None
        data = data[written:]


def receive(fd: int, deadline: float | None = None) -> tuple[dict, list[bytes]]:
    """One message; `deadline` is a time.monotonic() value (None: wait for ever)."""
    size = _number(fd, deadline)
    count = _number(fd, deadline)
    if size > MAX_HEADER or count > MAX_BLOBS:
        raise MessageRefused(f"a message of {size:,} bytes and {count:,} blobs is more than allowed")
    try:
        header = json.loads(_exactly(fd, size, deadline).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise MessageRefused("a message header that is not JSON") from None
    if not isinstance(header, dict):
        raise MessageRefused("a message header that is not a JSON object")
    blobs, total = [], size
    for _ in range(count):
        length = _number(fd, deadline)
        total += length
        if total > MAX_MESSAGE:
            raise MessageRefused("a message larger than allowed")
        blobs.append(_exactly(fd, length, deadline))
    return header, blobs


def _number(fd: int, deadline: float | None) -> int:
    return _LENGTH.unpack(_exactly(fd, _LENGTH.size, deadline))[0]


def _exactly(fd: int, size: int, deadline: float | None) -> bytes:
    chunks, left = [], size
    while left:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise ChannelTimeout
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise ChannelClosed("the other side has gone")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
