"""Faults a test cannot make for real in CI (a full disk, a read-only folder as root, a signal
at a chosen moment), injected into a real `mnist-course` run.

`run_cli_with(fault, *args)` runs the CLI after executing `fault`, a snippet of Python that
patches what must fail (e.g. make `keras.Model.save` raise ENOSPC).
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from warm_python import popen_python, run_python


def cli_code(fault: str) -> str:
    # The fault may import TensorFlow: filter its start-up noise from then on, as main() does.
    return (
        "from mnist_course.check_support.quiet import filter_native_stderr\nfilter_native_stderr()\n"
        + textwrap.dedent(fault)
        + "\nimport sys\nfrom mnist_course.cli import main\nmain(sys.argv[1:])\n"
    )


def run_cli_with(fault: str, *args: str, cwd: Path, timeout: int = 600, fresh: bool = False,
                 **env: str):  # fmt: skip
    """The CLI after `fault`, forked from the warm Python unless `fresh` (see warm_python.py)."""
    command = ["-c", cli_code(fault), *args]
    return run_python(command, cwd=cwd, env={**os.environ, **env}, timeout=timeout, fresh=fresh)


def popen_cli_with(fault: str, *args: str, cwd: Path, **env: str):
    """The CLI after `fault`, running while the test talks to it (reads, signals): a Popen of
    a fork of the warm Python (warm_python.popen_python)."""
    return popen_python(["-c", cli_code(fault), *args], cwd=cwd, env={**os.environ, **env})


def one_line_error(run, code: int = 2) -> str:
    """A learner-facing failure: exit `code` and a single `mnist-course: ` line on stderr."""
    assert run.returncode == code, (run.returncode, run.stdout[-2000:], run.stderr[-3000:])
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr[-3000:]
    assert lines[0].startswith("mnist-course: "), lines
    return lines[0]


def fail_writes_under(folder: Path, error: str = "ENOSPC") -> str:
    """A fault: every temporary file made under `folder` fails with `error` (ENOSPC, EROFS...)."""
    return f"""
    import errno, os, tempfile
    _mkstemp = tempfile.mkstemp
    def mkstemp(*args, dir=None, **kwargs):
        if dir is not None and os.path.abspath(dir).startswith({str(folder)!r}):
            code = errno.{error}
            raise OSError(code, os.strerror(code), str(dir))
        return _mkstemp(*args, dir=dir, **kwargs)
    tempfile.mkstemp = mkstemp
    """


def read_only(folder: Path) -> str:
    """A fault: `folder` is on a read-only file system (root writes any folder a chmod closes)."""
    return f"""
    import builtins, errno, os
    def _refused(path, writing=True):
        where = os.path.abspath(os.fsdecode(path))
        if writing and (where == {str(folder)!r} or where.startswith({str(folder) + os.sep!r})):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fsdecode(path))
    _open, _os_open, _mkdir = builtins.open, os.open, os.mkdir
    def open(file, mode="r", *args, **kwargs):
        if not isinstance(file, int):
            _refused(file, any(c in mode for c in "wax+"))
        return _open(file, mode, *args, **kwargs)
    def os_open(path, flags, *args, **kwargs):
        _refused(path, bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)))
        return _os_open(path, flags, *args, **kwargs)
    def mkdir(path, *args, **kwargs):
        _refused(path)
        return _mkdir(path, *args, **kwargs)
    builtins.open, os.open, os.mkdir = open, os_open, mkdir
    """
