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


def test_the_grader_takes_the_workers_memory_limit():
    # A probe's 30 KB .keras reply (a config asking for a layer of 400,000 units) took a
    # grader with no limit, running as root, to 10.5 GB before Keras refused its weights.
    import subprocess
    import sys

    code = ("import resource\nfrom mnist_course.grading.processes import MEMORY_LIMIT, limit_grader\n"
            "limit_grader()\nprint(resource.getrlimit(resource.RLIMIT_AS)[0] == MEMORY_LIMIT)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "True", run.stdout + run.stderr


def test_the_checks_limit_the_grader_when_grading(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    (tmp_path / "tell_limit.py").write_text(
        "import resource\n"
        "def pytest_sessionfinish(session):\n"
        "    print('RLIMIT_AS', resource.getrlimit(resource.RLIMIT_AS)[0])\n")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "checks/lesson_01", "--isolated", "--impl", "solutions", "-q",
         "-p", "tell_limit", "-p", "no:cacheprovider"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    from mnist_course.grading.processes import MEMORY_LIMIT

    assert f"RLIMIT_AS {MEMORY_LIMIT}" in run.stdout, run.stdout[-2000:] + run.stderr[-2000:]
