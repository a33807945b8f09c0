"""End a learner's check run as soon as pytest is done, without the interpreter's slow goodbye.

Once pytest is done, Python still tears down every module it imported: about a second
after TensorFlow (native destructors), a third of a second after SciPy, pandas and
matplotlib. Nothing the learner sees or keeps happens then (pytest has printed its
summary, the course has written its files and every `atexit` cleanup has run), yet it is
waiting added to every run of the checks. bench/check_speed.py measures the result.

So, when pytest is the program (`pytest checks/...` or `python -m pytest checks/...`, as
the learner and `mnist-course check` run it), the last `atexit` handler ends the process
with `os._exit(exit status)`. For the same reason such a run skips the full garbage
collection pytest makes twice at its end to report exceptions raised in `__del__` (a third
of a second once TensorFlow's objects are about): what little it could find would be
a destructor's problem, not the learner's. It stays out of the way everywhere else: `pytest.main()`
called inside another program, pytest-xdist workers, and coverage runs (whose data is
saved at exit).
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
from pathlib import Path

import pytest

_real_exit = os._exit  # the checks swap os._exit out while a learner's function runs
_armed: list[pytest.Config] = []  # the config of the pytest run that is this process
_finished: list[pytest.Session] = []  # that run's session, once it is over


def is_the_program(config: pytest.Config) -> bool:
    """True for the pytest run this process was started for, false for `pytest.main()`
    called inside another program (pytester's in-process runs) and for xdist workers."""
    main = sys.modules.get("__main__")
    started_as_pytest = getattr(getattr(main, "__spec__", None), "name", None) == "pytest.__main__" or (
        Path(sys.argv[0]).name in {"pytest", "py.test"}
    )
    return (
        started_as_pytest
        and tuple(config.invocation_params.args) == tuple(sys.argv[1:])
        and not hasattr(config, "workerinput")
    )


def install(config: pytest.Config) -> None:
    """Called from pytest_configure: arm the quick exit if this run is the program."""
    if not _armed and is_the_program(config):
        _armed.append(config)
        # Registered now, before the checks import TensorFlow, so that it runs after every
        # later handler (atexit runs them last-registered first).
        atexit.register(_exit_now)
        _skip_final_garbage_collection(config)


def _skip_final_garbage_collection(config: pytest.Config) -> None:
    try:  # pytest >= 8.4 keeps the number of passes in the stash (for its own tests)
        from _pytest.unraisableexception import gc_collect_iterations_key
    except ImportError:
        return
    config.stash[gc_collect_iterations_key] = 0


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _armed and session.config is _armed[0]:
        _finished[:] = [session]


def _exit_now() -> None:
    """The last `atexit` handler: skip the interpreter's teardown when it is safe to."""
    if not _finished or "coverage" in sys.modules:
        return
    status = int(_finished[0].exitstatus)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed or broken pipe: nothing left to say there
            pass
    _real_exit(status)
