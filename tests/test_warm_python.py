"""warm_python.py: a run forked from the warm Python behaves as a fresh interpreter would.

The CLI tests lean on it, so what they see must be what a learner's `python -m ...` gives:
arguments, folder, environment, the two output streams kept apart, the exit status, atexit
and non-daemon threads at the end, and a fresh interpreter whenever a fork could differ.
"""

from __future__ import annotations

import os
import textwrap

import pytest

from warm_python import BASELINE, TALLY, WarmChild, WarmPython, popen_python, run_python

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
    # From the test process's environment before any test: an earlier test in this process
    # may have left a name set by code it ran here (which would rightly mean a fresh run).
    env = {**BASELINE, **env}
    return run_python(["-c", PROBE, *args], cwd=tmp_path, env=env, timeout=120, fresh=fresh)


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
    run = run_python(["-m", "probe_module", "a"], cwd=tmp_path, env=dict(BASELINE), timeout=120)
    assert run.stdout == f"[{str(tmp_path / 'probe_module.py')!r}, 'a']\n"
    assert (run.returncode, run.stderr) == (1, "said\n")  # sys.exit("text"): the text and 1


def test_a_script_run_sees_its_own_folder_first_on_the_path(tmp_path):
    script = tmp_path / "tools" / "probe_script.py"
    script.parent.mkdir()
    script.write_text("import sys\nprint(sys.argv, sys.path[0], __name__)\n")
    run = run_python([str(script), "a"], cwd=tmp_path, env=dict(BASELINE), timeout=120)
    assert run.stdout == f"[{str(script)!r}, 'a'] {script.parent} __main__\n", run.stderr
    assert run.returncode == 0


def test_an_uncaught_exception_prints_its_traceback_and_gives_1(tmp_path):
    run = run_python(["-c", "raise KeyError('k')"], cwd=tmp_path, env=dict(BASELINE), timeout=120)
    assert run.returncode == 1 and "Traceback" in run.stderr and "KeyError: 'k'" in run.stderr


def test_an_environment_read_at_start_up_gets_a_fresh_interpreter(tmp_path):
    warm = WarmPython.shared()
    assert warm.differences({**BASELINE, "MNIST_PATH": "/elsewhere", "MNIST_COURSE_X": "1"}) == []
    assert warm.differences({**BASELINE, "TF_CPP_MIN_LOG_LEVEL": "0"}) == ["TF_CPP_MIN_LOG_LEVEL"]
    assert warm.differences({**BASELINE, "PYTHONPATH": str(tmp_path)}) == ["PYTHONPATH"]
    said = "fresh: the environment differs in PYTHONPATH"
    before = TALLY[said]
    run = probe(tmp_path, "0", PYTHONPATH=str(tmp_path), MNIST_COURSE_PROBE="x")
    assert run.stdout.splitlines()[1] == "env x False"  # not forked: keras not imported
    assert TALLY[said] == before + 1  # the suite's summary says what kept it from the fork


# bench/run.py, imported by a test, sets TF_CPP_MIN_LOG_LEVEL in the test process: left there,
# every later command from that process would start fresh (conftest.environment_restored).
LEFTOVER = "MNIST_COURSE_TEST_LEFTOVER_PROBE_X"


def test_a_test_that_sets_an_environment_name(tmp_path):
    os.environ[LEFTOVER] = "set by the previous test"
    os.environ.pop("MNIST_PATH", None)


def test_finds_the_environment_as_it_was_before_that_test(tmp_path):
    assert LEFTOVER not in os.environ
    assert os.environ.get("MNIST_PATH") == BASELINE.get("MNIST_PATH")


def test_a_run_past_its_time_is_killed(tmp_path):
    import subprocess

    server = WarmPython.shared()
    with pytest.raises(subprocess.TimeoutExpired):
        run_python(["-c", "import time; time.sleep(60)"], cwd=tmp_path, env=dict(BASELINE), timeout=1)
    after = run_python(["-c", "print('next')"], cwd=tmp_path, env=dict(BASELINE), timeout=60)
    assert after.stdout == "next\n"
    assert WarmPython.shared() is server  # the same server serves on


def test_what_importing_the_libraries_sets_here_too_still_forks(tmp_path):
    """A test process that imported cv2 and Keras itself has what they set in its environment
    (cv2's LD_LIBRARY_PATH, TF2_BEHAVIOR...): the warm Python's imports set the same."""
    import cv2  # noqa: F401
    import keras  # noqa: F401

    warm = WarmPython.shared()
    warm.differences(BASELINE)  # asks the server what its imports set
    assert warm.imported  # cv2 and TensorFlow set some
    imported_here = {name: os.environ[name] for name in warm.imported if name in os.environ}
    assert imported_here and warm.differences({**BASELINE, **imported_here}) == []
    run = probe(tmp_path, "0", MNIST_COURSE_PROBE="x", **imported_here)
    assert run.stdout.splitlines()[1] == "env x True"


TALKER = textwrap.dedent("""
    import sys, time
    try:  # before "ready": the signal the test sends once it reads "ready" lands in here
        print("to stderr", file=sys.stderr, flush=True)
        print("ready", flush=True)
        time.sleep(60)
    except KeyboardInterrupt:
        print("interrupted")
        sys.exit(130)
""")


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "fresh"])
def test_a_run_the_test_talks_to_gives_a_line_takes_a_signal_and_then_the_rest(tmp_path, warm):
    """popen_python: what a Popen of a fresh interpreter gives, read and signalled mid-run."""
    import signal
    import subprocess
    import sys

    if warm:
        child = popen_python(["-c", TALKER], cwd=tmp_path, env=dict(BASELINE))
    else:
        child = subprocess.Popen([sys.executable, "-c", TALKER], cwd=tmp_path,
                                 env=dict(BASELINE), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert isinstance(child, WarmChild) is warm
    assert child.stdout.readline() == "ready\n"
    assert child.poll() is None
    child.send_signal(signal.SIGINT)
    assert child.communicate(timeout=60) == ("interrupted\n", "to stderr\n")
    assert child.returncode == 130 and child.poll() == 130


def test_two_warm_children_run_side_by_side(tmp_path):
    """The first waits for a file the second makes: the warm Python serves the second while the
    first still runs, and asking how the first is doing never blocks it."""
    flag = tmp_path / "made-by-the-second"
    waits = (f"import pathlib, time\nwhile not pathlib.Path({str(flag)!r}).exists(): "
             "time.sleep(0.05)\nprint('saw it')")
    first = popen_python(["-c", waits], cwd=tmp_path, env=dict(BASELINE))
    assert first.poll() is None
    makes = f"import pathlib; pathlib.Path({str(flag)!r}).touch()"
    second = popen_python(["-c", makes], cwd=tmp_path, env=dict(BASELINE))
    assert isinstance(first, WarmChild) and isinstance(second, WarmChild)
    assert first.communicate(timeout=60) == ("saw it\n", "")
    assert second.communicate(timeout=60) == ("", "")
    assert (first.returncode, second.returncode) == (0, 0)
    assert TALLY["forked (popen)"] >= 2
