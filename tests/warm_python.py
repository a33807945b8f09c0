"""A Python with the heavy libraries already imported, for the tests' many `mnist-course` runs.

Each CLI test runs `python -m mnist_course.cli ...` (or `python -c FAULT ...`) as a learner
would, and most of each run used to be importing TensorFlow: some 10 seconds, dozens of
times per suite. Here one server per test process imports the libraries once (never the
course's own code), and each run is a child forked from it that then behaves as the fresh
interpreter would: its own arguments, environment, folder, `sys.path[0]`, stdin from
/dev/null, stdout and stderr on pipes, the course's modules imported afresh from where that
interpreter would find them, atexit handlers and non-daemon threads seen to at the end, and
the exit status the interpreter would give.

What a fork cannot give, a real process still does (`run`'s caller falls back to
`subprocess`): an environment that differs in anything read when an interpreter or a
library starts (only the names in `MAY_DIFFER` may), and the start-up itself: TensorFlow's
import-time messages on stderr are the server's, so the tests that prove a command's stderr
is clean of them run fresh (`fresh=True`). A run that a test talks to while it runs (reads
a line, sends a signal, starts a second beside it) is `popen_python`'s, a `Popen` of a fork;
resource limits and timing tests start their own processes anyway.
"""

from __future__ import annotations

import json
import locale
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

# Read at run time by the course, so a fork sees them as a fresh interpreter would.
MAY_DIFFER = ("MNIST_PATH", "MNIST_COURSE_", "PYTEST_CURRENT_TEST", "PYTEST_XDIST_", "COLUMNS",
              "NO_COLOR", "PYTHONDONTWRITEBYTECODE")  # fmt: skip
LIBRARIES = ("numpy", "pandas", "matplotlib", "matplotlib.pyplot", "seaborn",
             "sklearn.model_selection", "sklearn.metrics", "cv2", "PIL.Image", "keras", "typer",
             "rich.console", "watchfiles")  # fmt: skip
SOCKET_ENV = "MNIST_COURSE_TEST_WARM_FD"
# The test process's environment before any test ran (or imported a library that sets some).
BASELINE = dict(os.environ)
# How this test process's runs went: "forked", or "fresh" with why (asked for, the names in
# its environment that kept it from a fork, ...); conftest.py prints the whole run's tally.
TALLY: Counter[str] = Counter()


# --- The server: imports, then forks a child per request ----------------------------------------


def serve(control: socket.socket) -> None:
    import importlib

    for name in LIBRARIES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a child that needs it fails as a fresh one would
            pass
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 1 << 20, 2)
        except OSError:
            return
        if not message:
            return  # the test process is gone
        request = json.loads(message)
        if request["op"] == "run":
            pid = os.fork()
            if pid == 0:
                control.close()
                become(request, fds)
            for fd in fds:
                os.close(fd)
            control.send(json.dumps({"pid": pid}).encode())
        elif request["op"] == "environment":  # after the imports, with what they set
            control.send(json.dumps(dict(os.environ)).encode())
        elif request["op"] in ("wait", "poll"):  # poll: null while the child runs
            done, status = os.waitpid(request["pid"], os.WNOHANG if request["op"] == "poll" else 0)
            exit_code = os.waitstatus_to_exitcode(status) if done else None
            control.send(json.dumps({"status": exit_code}).encode())


def become(request: dict, fds: list[int]) -> None:
    """In the child: take the request's place and run it as `python ARGV` would."""
    import atexit
    import runpy
    import traceback

    status = 1
    try:
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(fds[0], 1)
        os.dup2(fds[1], 2)
        os.closerange(3, 65536)
        os.environ.clear()
        # What the libraries set when imported (cv2's LD_LIBRARY_PATH, TF2_BEHAVIOR...), as a
        # fresh interpreter's imports would, under the request's own environment.
        os.environ.update(request["imported"])
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        sys.dont_write_bytecode = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
        atexit._clear()  # the libraries' own: a fresh interpreter registers them when it imports
        argv = request["argv"]
        try:
            if argv[0] == "-m":
                sys.path[0] = os.getcwd()
                sys.argv = [argv[1], *argv[2:]]  # runpy puts the module's file first
                runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
            elif argv[0] == "-c":
                import types

                sys.path[0] = ""
                sys.argv = ["-c", *argv[2:]]
                main = sys.modules["__main__"] = types.ModuleType("__main__")
                exec(compile(argv[1], "<string>", "exec"), main.__dict__)
            elif argv[0].endswith(".py"):  # a script: its folder first on the path
                sys.path[0] = os.path.dirname(os.path.abspath(argv[0]))
                sys.argv = list(argv)
                runpy.run_path(argv[0], run_name="__main__")
            else:
                raise ValueError(f"warm_python runs -m MODULE, -c CODE or SCRIPT.py: {argv[0]!r}")
            status = 0
        except SystemExit as done:
            status = exit_status(done.code)
        except BaseException:  # noqa: BLE001 - what the interpreter prints for an uncaught one
            traceback.print_exc()
            status = 1
        threading._shutdown()  # the interpreter waits for its non-daemon threads, then atexit
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(status)


def exit_status(code) -> int:
    """`sys.exit(code)`'s status, as the interpreter gives it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


# --- The client: one server per test process ----------------------------------------------------


class WarmPython:
    _instance: WarmPython | None = None
    _lock = threading.Lock()

    def __init__(self):
        self.env = dict(BASELINE)
        self.imported: dict[str, str] | None = None  # what importing the libraries set
        self.socket, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.process = subprocess.Popen(
            [sys.executable, __file__], env={**self.env, SOCKET_ENV: str(theirs.fileno())},
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        theirs.close()

    @classmethod
    def shared(cls) -> WarmPython | None:
        if os.name != "posix" or not hasattr(socket, "send_fds"):
            return None
        if cls._instance is None or cls._instance.process.poll() is not None:
            cls._instance = cls()
        return cls._instance

    def differences(self, env: dict[str, str]) -> list[str]:
        """The names that keep `env` from a fork: a fork may differ from the server's
        environment only in run-time names, and in what importing the libraries sets (a
        test process that imported them too has it)."""
        if self.imported is None:
            after = self.ask({"op": "environment"})
            self.imported = {name: value for name, value in after.items()
                             if self.env.get(name) != value}  # fmt: skip
            self.imported.pop(SOCKET_ENV, None)
        names = (set(env) | set(self.env)) - set(self.imported)
        differ = [name for name in names if not name.startswith(MAY_DIFFER)
                  and env.get(name) != self.env.get(name)]  # fmt: skip
        differ += [name for name, value in self.imported.items()
                   if env.get(name) not in (self.env.get(name), value)]  # fmt: skip
        return sorted(differ)

    def ask(self, request: dict, fds=()) -> dict:
        if fds:
            socket.send_fds(self.socket, [json.dumps(request).encode()], list(fds))
        else:
            self.socket.send(json.dumps(request).encode())
        reply = self.socket.recv(65536)
        if not reply:
            raise OSError("the warm Python has gone")
        return json.loads(reply)

    def start(self, argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, int, int]:
        """Fork a child that runs `python ARGV`: its pid, and the read ends of its output pipes."""
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        try:
            request = {"op": "run", "argv": argv, "cwd": str(cwd), "env": env,
                       "imported": self.imported or {}}  # fmt: skip
            return self.ask(request, (out_w, err_w))["pid"], out_r, err_r
        finally:
            os.close(out_w)
            os.close(err_w)

    def run(self, argv: list[str], cwd: Path, env: dict[str, str], timeout: float
            ) -> subprocess.CompletedProcess:  # fmt: skip
        pid, out_r, err_r = self.start(argv, cwd, env)
        output = {out_r: b"", err_r: b""}
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            for fd in output:
                selector.register(fd, selectors.EVENT_READ)
            while selector.get_map():
                left = deadline - time.monotonic()
                if left <= 0:
                    os.kill(pid, signal.SIGKILL)
                    self.ask({"op": "wait", "pid": pid})
                    for fd in output:
                        os.close(fd)
                    raise subprocess.TimeoutExpired([sys.executable, *argv], timeout)
                for key, _ in selector.select(left):
                    chunk = os.read(key.fd, 65536)
                    if chunk:
                        output[key.fd] += chunk
                    else:
                        selector.unregister(key.fd)
        for fd in output:
            os.close(fd)
        status = self.ask({"op": "wait", "pid": pid})["status"]
        stdout, stderr = text(output[out_r]), text(output[err_r])
        return subprocess.CompletedProcess([sys.executable, *argv], status, stdout, stderr)


def text(data: bytes) -> str:
    """What `subprocess.run(text=True)` gives: the locale's encoding, universal newlines."""
    return data.decode(locale.getpreferredencoding(False)).replace("\r\n", "\n").replace("\r", "\n")


def run_python(argv: list[str], *, cwd: Path, env: dict[str, str], timeout: float,
               fresh: bool = False) -> subprocess.CompletedProcess:
    """`python ARGV` (`-m MODULE ...`, `-c CODE ...` or `SCRIPT.py ...`) with its output captured
    as text, forked from the warm Python when it can be, else in a fresh interpreter."""
    result = _forked(env, fresh, "forked", lambda warm: warm.run(argv, cwd, env, timeout))
    if result is not None:
        return result
    return subprocess.run([sys.executable, *argv], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env)  # fmt: skip


def popen_python(argv: list[str], *, cwd: Path, env: dict[str, str]):
    """`subprocess.Popen([python, *ARGV], stdout=PIPE, stderr=PIPE, text=True)`, forked from
    the warm Python when it can be (a `WarmChild`), else that very Popen."""
    child = _forked(env, False, "forked (popen)",
                    lambda warm: WarmChild(warm, *warm.start(argv, cwd, env)))
    if child is not None:
        return child
    return subprocess.Popen([sys.executable, *argv], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip


def _forked(env: dict[str, str], fresh: bool, label: str, fork):
    """`fork(warm)` when `env`'s run can be forked from the warm Python, tallied under `label`;
    None when it goes fresh instead, tallied with why."""
    with WarmPython._lock:
        warm, why = _warm_for(env, fresh)
        if warm is not None:
            try:
                result = fork(warm)
                TALLY[label] += 1
                return result
            except (OSError, ValueError, KeyError):
                WarmPython._instance = None  # the next run starts a new one
                why = "fresh: the warm Python failed"
        TALLY[why] += 1
    return None


def _warm_for(env: dict[str, str], fresh: bool) -> tuple[WarmPython | None, str]:
    """The warm Python to fork `env`'s run from, or None and why the run goes fresh."""
    if fresh:
        return None, "fresh (asked)"
    warm = WarmPython.shared()
    if warm is None:
        return None, "fresh: no warm Python here"
    blockers = warm.differences(env)
    if blockers:
        return None, "fresh: the environment differs in " + ", ".join(blockers)
    return warm, ""


class WarmChild:
    """A forked run as a test talks to a Popen: `stdout` and `stderr` (text, universal
    newlines), `pid`, `poll`, `wait`, `send_signal`, `communicate` and `returncode`.
    Its status is asked without blocking the warm Python, so two children can run at once."""

    def __init__(self, warm: WarmPython, pid: int, out: int, err: int):
        self.warm, self.pid, self.returncode = warm, pid, None
        encoding = locale.getpreferredencoding(False)
        self.stdout = open(out, encoding=encoding)  # noqa: SIM115 - closed by communicate
        self.stderr = open(err, encoding=encoding)  # noqa: SIM115

    def poll(self) -> int | None:
        if self.returncode is None:
            with WarmPython._lock:
                self.returncode = self.warm.ask({"op": "poll", "pid": self.pid})["status"]
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"warm child {self.pid}", timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, number: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, number)

    def communicate(self, timeout: float | None = None) -> tuple[str, str]:
        """The rest of both streams, once the child has closed them, and its exit."""
        read: dict[str, str] = {}

        def drain(name: str) -> None:
            read[name] = getattr(self, name).read()

        readers = [threading.Thread(target=drain, args=(name,), daemon=True)
                   for name in ("stdout", "stderr")]  # fmt: skip
        deadline = None if timeout is None else time.monotonic() + timeout
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
            if reader.is_alive():
                raise subprocess.TimeoutExpired(f"warm child {self.pid}", timeout)
        self.stdout.close()
        self.stderr.close()
        self.wait(None if deadline is None else max(1.0, deadline - time.monotonic()))
        return read["stdout"], read["stderr"]


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)  # as a fresh interpreter has it
    fd = int(os.environ.pop(SOCKET_ENV))
    serve(socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET, fileno=fd))
