"""The checks end as soon as pytest is done (mnist_course/check_support/quick_exit.py), and nothing is lost."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

CONFTEST = """
from mnist_course.check_support import quick_exit

def pytest_configure(config):
    quick_exit.install(config)

pytest_sessionfinish = quick_exit.pytest_sessionfinish
"""

CHECKS = """
import atexit, pathlib

def test_registers_a_cleanup():
    # pytest's own cleanups are registered like this, after the quick exit: they must run.
    atexit.register(lambda: pathlib.Path("cleaned-up").write_text("yes"))

def test_outcome():
    assert {outcome}
"""


def write_checks(folder, outcome: str) -> None:
    (folder / "conftest.py").write_text(CONFTEST)
    (folder / "test_checks.py").write_text(CHECKS.format(outcome=outcome))


def run(folder, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *command], cwd=folder, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(("outcome", "status", "summary"), [("True", 0, "2 passed"), ("False", 1, "1 failed, 1 passed")])
def test_pytest_as_the_program_keeps_its_exit_status_output_and_cleanups(tmp_path, outcome, status, summary):
    write_checks(tmp_path, outcome)
    result = run(tmp_path, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path))
    assert result.returncode == status, result.stdout + result.stderr
    assert summary in result.stdout.splitlines()[-1]  # the piped output was flushed in full
    assert (tmp_path / "cleaned-up").read_text() == "yes"


def run_passing_checks_with(folder, name: str, source: str) -> None:
    """The passing checks plus the test module `name`, run as the program: it must pass."""
    write_checks(folder, "True")
    (folder / name).write_text(textwrap.dedent(source))
    result = run(folder, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(folder))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_quick_exit_skips_the_interpreters_teardown(tmp_path):
    # An object still alive at the end: Python finalises it in the teardown, which the quick
    # exit skips, so its __del__ never runs.
    run_passing_checks_with(tmp_path, "test_teardown.py", """
        import os

        class Goodbye:
            # open and the path are bound now: by teardown time module globals are gone
            def __del__(self, open=open, path=os.path.abspath("torn-down")):
                with open(path, "w") as file:
                    file.write("yes")

        KEPT = Goodbye()

        def test_nothing():
            pass
        """)
    assert not (tmp_path / "torn-down").exists()


def test_the_quick_exit_skips_pytests_final_garbage_collection(tmp_path):
    # Garbage in a reference cycle, left for a collection: pytest's own one at its end
    # (to report exceptions raised in __del__) would find it and run its __del__.
    run_passing_checks_with(tmp_path, "test_cycle.py", """
        import gc
        import os

        class Cycle:
            def __del__(self, open=open, path=os.path.abspath("collected")):
                with open(path, "w") as file:
                    file.write("yes")

        def test_leaves_a_cycle_behind():
            gc.disable()  # only an explicit gc.collect() finds it now
            cycle = Cycle()
            cycle.me = cycle
        """)
    assert not (tmp_path / "collected").exists()


def test_pytest_main_inside_another_program_returns_to_it(tmp_path):
    """pytester and notebooks call pytest.main() in-process: the program must go on, with its own status."""
    write_checks(tmp_path, "False")
    program = textwrap.dedent(
        f"""
        import sys, pytest
        status = pytest.main(["-q", "-p", "no:cacheprovider", "--rootdir", {str(tmp_path)!r}, {str(tmp_path)!r}])
        print("pytest said", int(status))
        sys.exit(7)
        """
    )
    result = run(tmp_path, "-c", program)
    assert "pytest said 1" in result.stdout
    assert result.returncode == 7
