"""warm_python.py: a run forked from the warm Python behaves as a fresh interpreter would.

The CLI tests lean on it, so what they see must be what a learner's `python -m ...` gives:
arguments, folder, environment, the two output streams kept apart, the exit status, atexit
and non-daemon threads at the end, and a fresh interpreter whenever a fork could differ.
"""

from __future__ import annotations

import os
import textwrap

import pytest

from warm_python import WarmPython, run_python

pytestmark = pytest.mark.skipif(os.name != "posix", reason="fork is POSIX only")

PROBE = textwrap.dedent("""
    import atexit, os, sys, threading, time
    print("argv", sys.argv[1:], "cwd", os.getcwd(), "path0", repr(sys.path[0]))
    print("env", os.environ.get("MNIST_COURSE_PROBE"), "keras" in sys.modules)
    print("to stderr", file=sys.stderr)
    threading.Thread(target=lambda: (time.sleep(0.3), print("thread done", flush=True))).start()
    atexit.register(lambda: print("atexit ran", flush=True))
    sys.exit(int(sys.argv[1]))
""")


def probe(tmp_path, *args: str, fresh: bool = False, **env: str):
    return run_python(["-c", PROBE, *args], cwd=tmp_path, env={**os.environ, **env}, timeout=120, fresh=fresh)


@pytest.mark.parametrize("fresh", [False, True], ids=["warm", "fresh"])
def test_a_warm_run_gives_what_a_fresh_interpreter_gives(tmp_path, fresh):
    run = probe(tmp_path, "3", "x y", fresh=fresh, MNIST_COURSE_PROBE="seen")
    assert run.returncode == 3
    lines = run.stdout.splitlines()
    assert lines[0] == f"argv ['3', 'x y'] cwd {tmp_path} path0 ''"
    assert lines[1].startswith("env seen ")
    assert lines[2:] == ["thread done", "atexit ran"]  # threads joined, then atexit, as at exit
    assert run.stderr == "to stderr\n"
    warm = lines[1] == "env seen True"  # keras already imported: it was forked
    assert warm is (not fresh)


def test_a_module_run_sees_its_folder_first_on_the_path(tmp_path):
    (tmp_path / "probe_module.py").write_text("import sys\nprint(sys.argv)\nraise SystemExit('said')\n")
    run = run_python(["-m", "probe_module", "a"], cwd=tmp_path, env=dict(os.environ), timeout=120)
    assert run.stdout == f"[{str(tmp_path / 'probe_module.py')!r}, 'a']\n"
    assert (run.returncode, run.stderr) == (1, "said\n")  # sys.exit("text"): the text and 1


def test_an_uncaught_exception_prints_its_traceback_and_gives_1(tmp_path):
    run = run_python(["-c", "raise KeyError('k')"], cwd=tmp_path, env=dict(os.environ), timeout=120)
    assert run.returncode == 1 and "Traceback" in run.stderr and "KeyError: 'k'" in run.stderr


def test_an_environment_read_at_start_up_gets_a_fresh_interpreter(tmp_path):
    warm = WarmPython.shared()
    assert warm.accepts({**os.environ, "MNIST_PATH": "/elsewhere", "MNIST_COURSE_X": "1"})
    assert not warm.accepts({**os.environ, "TF_CPP_MIN_LOG_LEVEL": "0"})
    assert not warm.accepts({**os.environ, "PYTHONPATH": str(tmp_path)})
    run = probe(tmp_path, "0", PYTHONPATH=str(tmp_path), MNIST_COURSE_PROBE="x")
    assert run.stdout.splitlines()[1] == "env x False"  # not forked: keras not imported


def test_a_run_past_its_time_is_killed(tmp_path):
    import subprocess

    server = WarmPython.shared()
    with pytest.raises(subprocess.TimeoutExpired):
        run_python(["-c", "import time; time.sleep(60)"], cwd=tmp_path, env=dict(os.environ), timeout=1)
    assert run_python(["-c", "print('next')"], cwd=tmp_path, env=dict(os.environ), timeout=60).stdout == "next\n"
    assert WarmPython.shared() is server  # the same server serves on


def test_what_importing_the_libraries_sets_here_too_still_forks(tmp_path):
    """A test process that imported cv2 and Keras itself has what they set in its environment
    (cv2's LD_LIBRARY_PATH, TF2_BEHAVIOR...): the warm Python's imports set the same."""
    import cv2  # noqa: F401
    import keras  # noqa: F401

    assert WarmPython.shared().accepts(dict(os.environ))
    run = probe(tmp_path, "0", MNIST_COURSE_PROBE="x")
    assert run.stdout.splitlines()[1] == "env x True"
