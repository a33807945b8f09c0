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

(`status` as `subprocess` gives it: the exit code, or minus the signal.) POSIX only; where
it cannot run, the grader starts each worker with `subprocess` instead. `mnist-course report`
starts one zygote for all its graders (`--listen PATH`; each grader connects to PATH, named in
MNIST_COURSE_ZYGOTE), so TensorFlow is imported once for the workers however many graders run.
"""

from __future__ import annotations

import json
import os
import socket
import sys

HEAVY = ("numpy", "pandas", "matplotlib.pyplot", "seaborn", "sklearn.model_selection", "sklearn.metrics",
         "cv2", "PIL.Image", "keras")
LIGHT = ("numpy", "pandas", "matplotlib.pyplot", "seaborn", "sklearn.model_selection")
SOCKET_ENV = "MNIST_COURSE_ZYGOTE_FD"
ADDRESS_ENV = "MNIST_COURSE_ZYGOTE"  # a shared zygote's socket, started by the report's runner


def become_worker(lesson: str, dump: str, folder: str, read_fd: int, write_fd: int, control: socket.socket) -> None:
    """In the forked child: cut every tie to the zygote, then serve the lesson."""
    from mnist_course.grading.processes import limit_worker, worker_environment
    from mnist_course.grading.worker import REAL_EXIT, Worker

    control.close()
    os.setsid()
    limit_worker()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    keep = sorted({0, 1, 2, read_fd, write_fd})
    for low, high in zip(keep, keep[1:] + [os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 4096]):
        os.closerange(low + 1, high)
    os.environ.clear()
    os.environ.update(worker_environment({}))
    os.chdir(folder)
    try:
        import faulthandler
        import signal

        faulthandler.register(signal.SIGUSR1, file=open(dump, "w"), all_threads=True)  # noqa: SIM115
        Worker(__import__("pathlib").Path(lesson), read_fd, write_fd).run()
    finally:
        REAL_EXIT(0)


def serve(connections: list[socket.socket], heavy: bool, listener: socket.socket | None = None) -> None:
    """Answer requests on `connections` (and on each connection `listener` accepts) for ever."""
    import importlib
    import select

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in HEAVY if heavy else LIGHT:
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
            elif not answer(connection):
                connections.remove(connection)
                connection.close()


def answer(control: socket.socket) -> bool:
    """One request on `control`; False when its grader has gone."""
    try:
        message, fds, _, _ = socket.recv_fds(control, 65536, 2)
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
    elif request.get("op") == "wait":
        try:
            pid, status = os.waitpid(int(request["pid"]), os.WNOHANG if request.get("nohang") else 0)
            code = None if pid == 0 else -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        except ChildProcessError:
            code = None
        control.send(json.dumps({"status": code}).encode())
    else:
        for fd in fds:
            os.close(fd)
        control.send(b'{"error": "unknown request"}')
    return True


def main() -> None:
    heavy = "--heavy" in sys.argv
    if "--listen" in sys.argv:
        # One zygote for every grader of a report: each connects on its own (ADDRESS_ENV).
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        listener.bind(sys.argv[sys.argv.index("--listen") + 1])
        listener.listen(16)
        serve([], heavy, listener)
        return
    control = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET, fileno=int(os.environ.pop(SOCKET_ENV)))
    serve([control], heavy)


if __name__ == "__main__":
    main()
