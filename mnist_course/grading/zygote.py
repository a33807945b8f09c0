"""A process that has imported the heavy libraries once, and forks a fresh worker per lesson.

Importing TensorFlow takes seconds; a lesson's worker needs it, and grading has five such
lessons. The zygote imports NumPy, pandas, matplotlib, scikit-learn, OpenCV and Keras while
the grader collects its checks, then answers each request by forking: the child starts a
session of its own, takes the limits and the bare environment of a worker, closes every
file but the two pipes it was handed, and imports the learner's lesson (`worker.Worker`).
Nothing of the grader is in the zygote: it is a fresh interpreter that only ever imported
libraries.

Requests come on a Unix packet socket (SOCK_SEQPACKET: one message a request), with the worker's two pipe ends passed
as file descriptors (SCM_RIGHTS):

    {"op": "fork", "lesson": PATH, "dump": PATH, "folder": PATH}   -> {"pid": N}
    {"op": "wait", "pid": N}                                        -> {"status": S}
    {"op": "spawn", "argv": [...], "env": {...}, "cwd": PATH}      -> {"pid": N}

(`status` as `subprocess` gives it: the exit code, or minus the signal; null while the
child runs, with "gone" when it is not ours.) POSIX only; where it cannot run, the grader
starts each worker with `subprocess` instead.

`mnist-course report` starts a zygote for the whole grade (`--listen PATH`): each grader
connects to PATH (named in MNIST_COURSE_ZYGOTE) for its workers, and the graders themselves
are forked from it too ("spawn", accepted only on the runner's own socket, with the file
their output goes to): `python -m pytest ARGS` run in a child that already has TensorFlow.
So TensorFlow is imported once for the whole grade, not once per grader and once more for
the workers. The lessons that need no Keras (`Lesson.needs_keras`) get a second, light zygote
(no `--heavy`) and a grader of their own, graded while the heavy zygote is still importing.
The zygote never runs a line of the learner's code, so neither side inherits anything of
the other.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path

HEAVY = ("numpy", "pandas", "matplotlib.pyplot", "seaborn", "sklearn.model_selection", "sklearn.metrics",
         "cv2", "PIL.Image", "keras")
LIGHT = ("numpy", "pandas", "matplotlib.pyplot", "seaborn", "sklearn.model_selection")
SOCKET_ENV = "MNIST_COURSE_ZYGOTE_FD"
ADDRESS_ENV = "MNIST_COURSE_ZYGOTE"  # a shared zygote's socket, started by the report's runner
# What a grader runs: pytest, the course's plugins and what the checks import beyond HEAVY.
# Not the collector itself: pytest rewrites the asserts of a plugin named with -p, and warns
# when it was imported before (its imports are here: pytest and the runner).
GRADER = ("pytest", "mnist_course.check_support.pytest_plugin", "mnist_course.companion.runner",
          "mnist_course.check_support.toolkit", "mnist_course.grading.remote")
MESSAGE_SIZE = 1 << 20  # a spawn request carries the grader's environment


def close_inherited_files(keep: set[int]) -> None:
    """Close every file descriptor but `keep` (what the zygote had open is not the child's)."""
    ordered = sorted(keep)
    for low, high in zip(ordered, ordered[1:] + [os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 4096]):
        os.closerange(low + 1, high)


def become_worker(lesson: str, dump: str, folder: str, read_fd: int, write_fd: int, control: socket.socket) -> None:
    """In the forked child: cut every tie to the zygote, then serve the lesson."""
    from mnist_course.grading.processes import become_user, limit_worker, worker_environment, worker_user
    from mnist_course.grading.worker import REAL_EXIT, Worker

    control.close()
    os.setsid()
    limit_worker()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    close_inherited_files({0, 1, 2, read_fd, write_fd})
    uid = worker_user()
    environment = worker_environment({}, folder)  # read before the clear below
    os.environ.clear()
    os.environ.update(environment)
    import tempfile

    tempfile.tempdir = None  # the zygote's libraries may have asked already: TMPDIR is read anew
    os.chdir(folder)
    try:
        import faulthandler
        import signal

        if uid is not None:
            # Before the first file it opens in its folder (an earlier worker of the lesson may
            # have left a link there) and the first line of the learner's code.
            become_user(uid)
        faulthandler.register(signal.SIGUSR1, file=open(dump, "w"), all_threads=True)  # noqa: SIM115
        Worker(Path(lesson), read_fd, write_fd).run()
    finally:
        REAL_EXIT(0)


def become_grader(request: dict, output_fd: int) -> None:
    """In a child forked for the report's runner: `python -m pytest ARGS`, as a process of its
    own would run it (the runner's environment, folder and arguments, output to `output_fd`),
    but with every library already imported."""
    import atexit

    from mnist_course.grading.worker import REAL_EXIT

    status = 3  # pytest's "internal error", unless pytest says otherwise
    try:
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        close_inherited_files({0, 1, 2})
        os.environ.clear()
        os.environ.update({str(key): str(value) for key, value in request["env"].items()})
        import tempfile

        tempfile.tempdir = None  # TMPDIR is the runner's, read anew (the zygote may have asked)
        os.chdir(request["cwd"])
        sys.argv = ["pytest", *[str(arg) for arg in request["argv"]]]
        sys.dont_write_bytecode = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
        atexit._clear()  # the zygote's libraries' goodbyes: the quick exit skips them anyway
        import pytest

        status = int(pytest.main())  # its arguments: sys.argv[1:]
    except SystemExit as done:
        status = done.code if isinstance(done.code, int) else 1
    finally:
        atexit._run_exitfuncs()  # what the grade registered (its workers' scratch folders)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        REAL_EXIT(int(status))


def serve(connections: list[socket.socket], heavy: bool, listener: socket.socket | None = None,
          runner: socket.socket | None = None) -> None:
    """Answer requests on `connections` (and on each connection `listener` accepts) for ever;
    graders are spawned only for `runner`, the report's own connection."""
    import importlib
    import select

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in (HEAVY if heavy else LIGHT) + (GRADER if runner is not None else ()):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a worker that needs it will say why itself
            pass
    import mnist_course.grading.worker  # noqa: F401 - and the worker's own code
    import mnist_course.course  # noqa: F401

    while connections or listener is not None:
        ready, _, _ = select.select(connections + ([listener] if listener is not None else []), [], [])
        for connection in ready:
            if connection is listener:
                accepted, _ = listener.accept()
                connections.append(accepted)
            elif not answer(connection, may_spawn=connection is runner):
                connections.remove(connection)
                connection.close()
                if connection is runner:
                    return  # the report is over


def answer(control: socket.socket, may_spawn: bool = False) -> bool:
    """One request on `control`; False when its grader has gone."""
    try:
        message, fds, _, _ = socket.recv_fds(control, MESSAGE_SIZE, 2)
    except OSError:
        return False
    if not message:
        return False
    request = json.loads(message.decode("utf-8"))
    if request.get("op") == "fork" and len(fds) == 2:
        pid = os.fork()
        if pid == 0:
            become_worker(request["lesson"], request["dump"], request["folder"], fds[0], fds[1], control)
        for fd in fds:
            os.close(fd)
        control.send(json.dumps({"pid": pid}).encode())
    elif request.get("op") == "spawn" and may_spawn and len(fds) == 1:
        pid = os.fork()
        if pid == 0:
            become_grader(request, fds[0])
        os.close(fds[0])
        control.send(json.dumps({"pid": pid}).encode())
    elif request.get("op") == "wait":
        gone = False
        try:
            pid, status = os.waitpid(int(request["pid"]), os.WNOHANG if request.get("nohang") else 0)
            code = None if pid == 0 else -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        except ChildProcessError:
            code, gone = None, True
        control.send(json.dumps({"status": code, "gone": gone}).encode())
    else:
        for fd in fds:
            os.close(fd)
        control.send(b'{"error": "unknown request"}')
    return True


def main() -> None:
    from mnist_course.grading.processes import hide_from_workers

    # It forks the graders and says how they ended: a worker of the same user must not reach
    # into it (/proc/<zygote>/mem) any more than into the grader.
    hide_from_workers()
    heavy = "--heavy" in sys.argv
    if "--listen" in sys.argv:
        # One zygote for a whole report: the runner spawns the graders on its own socket
        # (SOCKET_ENV), and each grader connects to the listener for its workers (ADDRESS_ENV).
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        listener.bind(sys.argv[sys.argv.index("--listen") + 1])
        listener.listen(16)
        runner = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET, fileno=int(os.environ.pop(SOCKET_ENV)))
        serve([runner], heavy, listener, runner)
        return
    control = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET, fileno=int(os.environ.pop(SOCKET_ENV)))
    serve([control], heavy)


if __name__ == "__main__":
    main()
