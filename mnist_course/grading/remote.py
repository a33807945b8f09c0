"""The grader's side: a lesson module whose functions run in a worker process.

`RemoteLesson` stands where the checks expect the learner's module: `lesson.normalize(x)`
sends `x` to the worker, which calls the learner's function and sends back what it returned
and what it changed in its arguments. The check then compares, here, in a process the
learner's code never ran in. What comes back is data (`codec`), so a worker can lie only
about its own answers, which the checks judge like any other answer.

A call that does not return within its time limit, a worker that crashes or exits, or a
reply that is not a value, fails that check with one line that says why; the next call gets
a fresh worker. An import that fails fails every check of the lesson, once, as in the
learner's loop.
"""

from __future__ import annotations

import builtins
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import weakref
from pathlib import Path

from mnist_course import grading
from mnist_course.grading import channel
from mnist_course.grading.codec import CodecError, Decoder, Encoder, is_keras
from mnist_course.grading.processes import become_user, limit_worker, worker_environment, worker_user
from mnist_course.grading.state import apply_model_state, model_state_message, shape_digest, state_digest
from mnist_course.grading.worker import DUMP_ENV, FDS_ENV
from mnist_course.check_support.outcome import LearnerExit, LearnerInterrupt, LessonImportError
from mnist_course.check_support.untouched import changed_failure, may_change

START_LIMIT = 120.0  # seconds for the worker to import the lesson (TensorFlow included)
CALL_LIMIT = 120.0  # seconds per call, unless the runner set the lesson's limit
WATCHED_ENVIRONMENT = ("MNIST_PATH",)  # checks set these around a call (monkeypatch.setenv)


class RemoteError(Exception):
    """Base of the exceptions rebuilt from a worker's report."""

    learner_frames: tuple = ()


class WorkerFailed(Exception):
    """The worker could not answer: it crashed, it was stopped, or its reply was not data."""

    learner_frames: tuple = ()


class CallTimedOut(Exception):
    """A learner function did not return within the call's time limit."""

    def __init__(self, function: str, seconds: float, where: str, stuck_in: str | None):
        super().__init__(f"{function}() was still running after {seconds:.0f} s")
        self.function, self.seconds, self.where, self.stuck_in = function, seconds, where, stuck_in


# Library exceptions the checks catch by type; rebuilt as themselves when their library is
# already loaded here. Any other exception is rebuilt as a subclass of its nearest builtin.
LIBRARY_ERRORS = {("cv2", "error"): ("cv2", "error")}


class SeedsSet:
    """The seed a check last gave `keras.utils.set_random_seed`, for the worker to use too.

    In the learner's loop a check that seeds Keras and then asks the learner's code to build
    a model gets the same starting weights every time; when grading, the model is built in
    the worker, so the worker seeds itself with the same number before the next call.
    """

    pending: int | None = None
    watched = False

    @classmethod
    def watch(cls) -> None:
        if cls.watched or "keras" not in sys.modules:
            return
        keras = sys.modules["keras"]
        original = keras.utils.set_random_seed

        def set_random_seed(seed):
            cls.pending = int(seed)
            return original(seed)

        keras.utils.set_random_seed = set_random_seed
        cls.watched = True

    @classmethod
    def take(cls) -> int | None:
        seed, cls.pending = cls.pending, None
        return seed


def rebuilt_error(info: dict, shown: str) -> BaseException:
    from mnist_course.check_support.outcome import Frame

    frames = tuple(
        Frame(f"{shown}/{frame.get('file', '?')}", int(frame.get("line") or 0), str(frame.get("function", "?")),
              str(frame.get("text", ""))[:300])
        for frame in info.get("frames", [])[-20:]
    )
    message = str(info.get("message", ""))
    if info.get("is_exit"):
        # sys.exit() and os._exit() are told apart, as in the learner's own loop.
        error: BaseException = SystemExit(info.get("exit")) if info.get("type") == "SystemExit" \
            else LearnerExit(info.get("exit"))  # fmt: skip
        error.learner_frames = frames
        return error
    name = str(info.get("type", "Exception"))[:100]
    module = str(info.get("module", ""))
    if (module, name) == ("builtins", "KeyboardInterrupt"):  # no Ctrl-C reaches a worker: the code raised it
        error = LearnerInterrupt(message)
        error.learner_frames = frames
        return error
    kind = None
    if module == "builtins" and isinstance(getattr(builtins, name, None), type):
        candidate = getattr(builtins, name)
        if issubclass(candidate, Exception):
            kind = candidate
    library = LIBRARY_ERRORS.get((module.split(".")[0], name))
    if kind is None and library and library[0] in sys.modules:
        kind = getattr(sys.modules[library[0]], library[1], None)
    if kind is None:
        base = next((getattr(builtins, b) for b in info.get("bases", [])
                     if isinstance(getattr(builtins, b, None), type) and issubclass(getattr(builtins, b), Exception)),
                    Exception)
        bases = (RemoteError,) if base is Exception else (base, RemoteError)  # Exception first breaks the MRO
        kind = type(name, bases, {"__module__": module or "learner"})
    error = kind.__new__(kind)
    BaseException.__init__(error, message)
    error.learner_frames = frames
    return error


class Zygote:
    """The grader's handle on `zygote`: one per grader process, started before the checks."""

    instance: "Zygote | None" = None

    def __init__(self, arguments: list[str], env: dict[str, str], folder: Path | None = None):
        """Start `python -m mnist_course.grading.zygote ARGUMENTS` in a session of its own,
        holding the other end of a private socket pair."""
        import socket

        from mnist_course.grading.zygote import SOCKET_ENV

        self.socket, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mnist_course.grading.zygote", *arguments],
            cwd=folder, env=dict(env, **{SOCKET_ENV: str(theirs.fileno())}), pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        theirs.close()

    @classmethod
    def prepare(cls, heavy: bool) -> None:
        """Start importing the libraries now, while the checks are collected (POSIX only);
        or connect to the zygote the report's runner shares between its graders."""
        import socket

        from mnist_course.grading.zygote import ADDRESS_ENV

        if cls.instance is not None or os.name != "posix" or not hasattr(socket, "send_fds"):
            return
        try:
            shared = os.environ.get(ADDRESS_ENV)
            if shared:
                cls.instance = cls.connect(shared)
            else:
                cls.instance = cls(["--heavy"] if heavy else [], worker_environment({}))
        except OSError:
            cls.instance = None

    @classmethod
    def connect(cls, address: str) -> "Zygote":
        import socket

        zygote = cls.__new__(cls)
        zygote.socket = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        zygote.process = None  # the runner's: it ends it
        for attempt in range(100):  # it binds its socket a moment after it starts
            try:
                zygote.socket.connect(address)
                return zygote
            except (FileNotFoundError, ConnectionRefusedError):
                if attempt == 99:
                    raise
                time.sleep(0.05)
        return zygote

    @classmethod
    def start_shared(cls, address: str, folder: Path, heavy: bool = True) -> "Zygote":
        """The zygote of a whole report (the runner calls this): it forks the graders on the
        runner's socket, and the graders' workers on the socket it listens to at `address`.

        It starts where the graders would and with the runner's environment, so it imports
        the very course and libraries `python -m pytest` would have; a worker it forks keeps
        only the worker's environment all the same. A zygote that is not `heavy` imports
        no Keras: it serves the lessons that need none, ready seconds sooner."""
        return cls([*(["--heavy"] if heavy else []), "--listen", address], dict(os.environ), folder)

    def spawn(self, command: list[str], env: dict[str, str], folder: Path, output: int) -> "Spawned | None":
        """`command` (`python -m pytest ARGS`) as a child of the zygote, with the libraries
        already imported; None when the zygote cannot (the caller starts a process instead)."""
        if command[1:3] != ["-m", "pytest"]:
            return None
        reply = self.ask({"op": "spawn", "argv": command[3:], "env": env, "cwd": str(folder)}, (output,))
        if reply and isinstance(reply.get("pid"), int):
            return Spawned(self, reply["pid"])
        return None

    def ask(self, request: dict, fds=()) -> dict | None:
        import socket

        try:
            if fds:
                socket.send_fds(self.socket, [json.dumps(request).encode()], list(fds))
            else:
                self.socket.send(json.dumps(request).encode())
            self.socket.settimeout(START_LIMIT)
            reply = self.socket.recv(65536)
            return json.loads(reply.decode()) if reply else None
        except (OSError, ValueError):
            return None

    def close(self) -> None:
        self.socket.close()
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


class Spawned:
    """A grader the zygote forked, with what the runner uses of `subprocess.Popen`."""

    def __init__(self, zygote: Zygote, pid: int):
        self.zygote, self.pid = zygote, pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            reply = self.zygote.ask({"op": "wait", "pid": self.pid, "nohang": True})
            if reply is None or reply.get("gone"):  # the zygote is gone, or the child was reaped
                self.returncode = -signal.SIGKILL
            elif reply.get("status") is not None:
                self.returncode = int(reply["status"])
        return self.returncode

    def wait(self) -> int:
        while self.poll() is None:
            time.sleep(0.02)
        return self.returncode

    def kill(self) -> None:
        if self.returncode is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass


class Worker:
    """One worker process for one lesson file: launched early, waited for on first use."""

    def __init__(self, lesson_path: Path):
        self.lesson_path = lesson_path
        self.pid: int | None = None
        self.popen: subprocess.Popen | None = None  # when started without the zygote
        self.ready = False
        self.import_error: LessonImportError | None = None
        self.scratch = tempfile.TemporaryDirectory(prefix="mnist-course-worker-")
        self.uid = worker_user()
        if self.uid is not None:  # the worker's own folder: the one place it may write
            os.chown(self.scratch.name, self.uid, self.uid)
        self.dump = Path(self.scratch.name) / "stacks.txt"
        self.models: dict[int, tuple] = {}  # id(model) -> (weakref, handle, digest, shape) the worker has
        self.next_handle = 0
        self.to_worker = self.from_worker = None

    def remember(self, model, handle) -> None:
        """The worker holds a copy of `model` as `handle`, in the state `model` is in now."""
        self.models[id(model)] = (weakref.ref(model), handle, state_digest(model), shape_digest(model))

    def launch(self) -> None:
        """Start the worker (it imports the lesson in the background)."""
        if self.pid is not None or self.import_error is not None:
            return
        self.models.clear()
        self.ready = False
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        try:
            zygote = Zygote.instance
            reply = zygote.ask({"op": "fork", "lesson": str(self.lesson_path), "dump": str(self.dump),
                                "folder": self.scratch.name}, (to_worker_r, from_worker_w)) if zygote else None
            if reply and isinstance(reply.get("pid"), int):
                self.pid, self.popen = reply["pid"], None
            else:
                env = worker_environment({FDS_ENV: f"{to_worker_r},{from_worker_w}", DUMP_ENV: str(self.dump)},
                                         self.scratch.name)
                self.popen = subprocess.Popen(
                    [sys.executable, "-m", "mnist_course.grading.worker", str(self.lesson_path)],
                    cwd=self.scratch.name, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL, pass_fds=(to_worker_r, from_worker_w),
                    start_new_session=True, preexec_fn=self._preexec if os.name == "posix" else None,
                )
                self.pid = self.popen.pid
        finally:
            os.close(to_worker_r)
            os.close(from_worker_w)
        self.to_worker, self.from_worker = to_worker_w, from_worker_r

    def _preexec(self) -> None:
        limit_worker()
        if self.uid is not None:
            become_user(self.uid)

    def start(self) -> None:
        """The worker, ready: its lesson imported (a LessonImportError if it could not be)."""
        if self.import_error is not None:
            raise self.import_error
        if self.ready:
            return
        self.launch()
        try:
            header, _ = channel.receive(self.from_worker, time.monotonic() + within_lesson_clock(START_LIMIT))
        except channel.ChannelTimeout:
            self.hand_stacks_to_runner()
            self.stop()
            self.import_error = LessonImportError(
                f"importing {self.lesson_path.name} took more than {START_LIMIT:.0f} s: is there a "
                "loop or a long computation at the top level of the file? Put it inside a function.")
            raise self.import_error from None
        except channel.ChannelClosed:
            status = self.stop()
            self.import_error = LessonImportError(
                f"importing {self.lesson_path.name} {ended_words(status)}: a lesson file only defines "
                "functions. Remove the code that runs when the file is imported.")
            raise self.import_error from None
        if "import_error" in header:
            self.stop()
            self.import_error = import_error(self.lesson_path, header["import_error"])
            raise self.import_error
        self.ready = True

    def stop(self) -> int | None:
        """End the worker and its process group; its exit status (negative: a signal)."""
        pid, popen = self.pid, self.popen
        self.pid = self.popen = None
        self.ready = False
        for fd_name in ("to_worker", "from_worker"):
            fd = getattr(self, fd_name, None)
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
                setattr(self, fd_name, None)
        if pid is None:
            return None
        if popen is not None:
            if popen.poll() is None:
                time.sleep(0.05)  # a worker that is exiting on its own says how
            if popen.poll() is None:
                _kill_group(pid)
            return popen.wait()
        reply = None
        for _ in range(20):  # a worker that is exiting on its own says how (a crash's signal)
            time.sleep(0.05)
            reply = Zygote.instance.ask({"op": "wait", "pid": pid, "nohang": True}) if Zygote.instance else None
            if reply is None or reply.get("status") is not None:
                break
        if reply is None or reply.get("status") is None:
            _kill_group(pid)
            reply = Zygote.instance.ask({"op": "wait", "pid": pid}) if Zygote.instance else None
        return reply.get("status") if reply else None

    def close(self) -> None:
        if self.pid is not None and self.to_worker is not None:
            try:
                channel.send(self.to_worker, {"op": "bye"})
            except (channel.ChannelClosed, OSError):
                pass
        _kill_group(self.pid)
        self.stop()
        self.scratch.cleanup()

    def request(self, header: dict, blobs: list[bytes], limit: float, function: str):
        self.start()
        try:
            channel.send(self.to_worker, header, blobs)
            return channel.receive(self.from_worker, time.monotonic() + limit)
        except channel.ChannelTimeout:
            dump = self.hand_stacks_to_runner()
            self.stop()
            where, stuck_in = self.stuck_in(dump)
            raise CallTimedOut(function, limit, where, stuck_in) from None
        except channel.MessageRefused as refused:
            self.stop()  # what the worker sent is not read any further
            raise WorkerFailed(f"running {function}(), the reply from your code was refused ({refused})") from None
        except channel.ChannelClosed:
            status = self.stop()
            if status is not None and status >= 0:
                error = LearnerExit(status)
                error.args = (f"os._exit({status})",)
                raise error from None
            raise WorkerFailed(f"running {function}(), your code {ended_words(status)}") from None

    def hand_stacks_to_runner(self) -> str:
        """The worker's stacks; under the companion's runner, handed to it and this grader ended.

        The runner's lesson clock would end this grader a moment later anyway, and then read
        the grader's own stacks, which only show a check waiting for its worker. The worker's
        hold the learner's line (in a function, or at the top of the file while it imports): the
        runner fails this check with it, marks the lesson's other checks not run, and goes on.
        """
        dump = self.stacks()
        runner_dump = os.environ.get("MNIST_COURSE_TIMEOUT_DUMP")
        if runner_dump and grading.LESSON_DEADLINE is not None:
            self.stop()
            Path(runner_dump).write_text(dump, errors="replace")
            getattr(__import__(os.name), "_exit")(1)  # os._exit itself is fenced while a check runs
        return dump

    def stacks(self) -> str:
        """Every thread's stack in the worker, asked of its faulthandler ("" if it cannot say)."""
        if self.pid is None:
            return ""
        try:
            os.kill(self.pid, signal.SIGUSR1)
        except OSError:
            return ""
        time.sleep(0.5)
        try:  # the worker's folder is the learner's: a link put there is not followed
            with open(os.open(self.dump, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)),
                      "rb") as dump:  # fmt: skip
                return dump.read(1 << 20).decode("utf-8", errors="replace")
        except OSError:
            return ""

    def stuck_in(self, dump: str) -> tuple[str, str | None]:
        """("folder/lesson.py:line", function) of the innermost lesson frame in `dump`."""
        from mnist_course.companion.runner import FRAME

        for line in dump.splitlines():  # most recent call first
            match = FRAME.match(line)
            if match and Path(match["file"]).name == self.lesson_path.name:
                return f"{self.lesson_path.parent.name}/{self.lesson_path.name}:{match['line']}", match["name"]
        return "", None


def within_lesson_clock(limit: float) -> float:
    """`limit` seconds, or fewer so that the runner's lesson clock (if any) is not reached:
    the worker's stacks are then read while the worker still runs (hand_stacks_to_runner)."""
    if grading.LESSON_DEADLINE is None:
        return limit
    return max(1.0, min(limit, grading.LESSON_DEADLINE - time.monotonic() - 2.0))


def _kill_group(pid: int | None) -> None:
    if pid is None:
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except (OSError, AttributeError):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def ended_words(status: int | None) -> str:
    if status is None:
        return "ended the Python process"
    if status < 0:
        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = f"signal {-status}"
        return f"crashed the Python process ({name})"
    return f"ended the Python process (exit status {status})"


def import_error(path: Path, info: dict) -> LessonImportError:
    if info.get("kind") == "syntax":
        return LessonImportError(f"{path.name} line {info.get('line')} has a syntax error: {info.get('message')}\n"
                                 f"    {info.get('text', '')}")
    if info.get("is_exit"):
        return LessonImportError(
            f"importing {path.name} ended the program (SystemExit): a lesson file only defines functions. "
            "Remove the exit call, or put code you want to try by hand under `if __name__ == \"__main__\":`.")
    from mnist_course.check_support.outcome import short

    if info.get("type") == "ImportSideEffect" and info.get("module") == "mnist_course.course":
        return LessonImportError(short(info.get("message", "").removeprefix("ImportSideEffect: "), 300))
    return LessonImportError(f"importing {path.name} raised {info.get('type')}: {short(info.get('message', ''), 300)}")


class GraderEncoder(Encoder):
    """Arguments for the worker: a model it already has goes by its handle, with only its
    numbers when the check changed them (rewound weights), whole only when it is new to it."""

    def __init__(self, worker: Worker):
        super().__init__()
        self.worker = worker

    def model(self, model) -> dict:
        from mnist_course.grading.codec import model_bytes

        known = self.worker.models.get(id(model))
        digest = state_digest(model)
        if known is not None and known[0]() is model:
            if known[2] == digest:
                return {"$": "model", "h": known[1]}
            if known[3] == shape_digest(model):
                self.worker.models[id(model)] = (known[0], known[1], digest, known[3])
                return {"$": "model", "h": known[1], "state": model_state_message(model, self, with_compile=False)}
        handle = self.worker.next_handle
        self.worker.next_handle += 1
        self.worker.remember(model, handle)
        return {"$": "model", "h": handle, "b": self.blob(model_bytes(model))}


class ReplyDecoder(Decoder):
    def __init__(self, blobs, arguments: list, worker: "Worker | None" = None):
        super().__init__(blobs)
        self.arguments = arguments
        self.worker = worker

    def model(self, node):
        model = super().model(node)
        if self.worker is not None and isinstance(node.get("h"), str):
            self.worker.remember(model, node["h"])  # the worker keeps its own: pass it back by handle
        return model

    def special(self, node, depth):
        if node.get("$") == "arg":
            index = node.get("i")
            if isinstance(index, int) and 0 <= index < len(self.arguments):
                return self.arguments[index]
        return super().special(node, depth)


class RemoteFunction:
    def __init__(self, lesson: "RemoteLesson", name: str):
        self.lesson, self.__name__ = lesson, name

    def __call__(self, *args, **kwargs):
        return self.lesson._call(self.__name__, args, kwargs)

    def __repr__(self) -> str:
        return f"<your {self.__name__}() in {self.lesson.__file__}>"


class RemoteLesson:
    """The learner's lesson module, as the checks see it when grading."""

    def __init__(self, path: Path, shown: str = "lessons"):
        self.__dict__.update(
            __file__=str(path), __name__=path.stem, _shown=shown, _worker=Worker(path),
            _trace=None, _scenarios=(), _known={},
        )

    def __setattr__(self, name, value):
        if not name.startswith("_"):
            raise AttributeError(
                f"a check cannot replace {name} in the learner's lesson while grading "
                "(use mnist_course.check_support.toolkit.record_steps)")
        self.__dict__[name] = value

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        known = self._known.get(name)
        if known is None:
            header, blobs = self._worker.request({"op": "getattr", "name": name}, [], CALL_LIMIT, name)
            if header.get("missing"):
                known = ("missing", None)
            elif header.get("callable"):
                known = ("function", RemoteFunction(self, name))
            else:
                known = ("value", self._decode(header.get("value"), blobs, []))
            self._known[name] = known
        if known[0] == "missing":
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        return known[1]

    def _decode(self, node, blobs, arguments):
        try:
            return ReplyDecoder(blobs, arguments, self._worker).decode(node)
        except CodecError as error:
            raise WorkerFailed(f"what your code returned could not be read back: {error}") from None
        except Exception as error:  # noqa: BLE001 - a reply made to trip the decoder is not the check's to judge
            raise WorkerFailed(f"what your code returned could not be read back: {type(error).__name__}") from None

    def _call(self, name: str, args: tuple, kwargs: dict):
        worker = self._worker
        worker.start()
        SeedsSet.watch()
        everything = list(args) + list(kwargs.values())
        encoder = GraderEncoder(worker)
        try:
            request = {
                "op": "call", "name": name,
                "args": [encoder.encode(arg) for arg in args],
                "kwargs": {key: encoder.encode(value) for key, value in kwargs.items()},
                "env": {key: os.environ.get(key) for key in WATCHED_ENVIRONMENT},
                "scenarios": [name for name, _ in self._scenarios],
                "trace": list(self._trace[0]) if self._trace else [],
                "watch_fit": [i for i, value in enumerate(everything) if _fit_recorder(value) is not None],
                "seed": SeedsSet.take(),
            }
        except CodecError as error:
            raise WorkerFailed(f"the check could not send its input to {name}(): {error}") from None
        limit = within_lesson_clock(float(os.environ.get("MNIST_COURSE_LESSON_LIMIT") or CALL_LIMIT))
        header, blobs = worker.request(request, encoder.blobs, limit, name)
        self._apply_after(name, header, blobs, everything, worker, [*range(len(args)), *kwargs])
        _show("stdout", header.get("stdout"))
        _show("stderr", header.get("stderr"))
        if self._trace:
            self._trace[1].extend(str(step) for step in header.get("trace", [])[:10_000])
        fit_calls = header.get("fit_calls") or {}
        if not isinstance(fit_calls, dict) or not all(
                str(index).isdigit() and int(index) < len(everything) and isinstance(calls, list)
                for index, calls in fit_calls.items()):
            raise WorkerFailed("the worker's report of fit() calls was not one the grader asked for")
        for index, calls in fit_calls.items():
            recorder = _fit_recorder(everything[int(index)])
            if recorder is not None:
                recorder.calls.extend(self._decode(call, blobs, everything) for call in calls)
        for _, observed in self._scenarios:
            observed.keras_downloads.extend([1] * min(int(header.get("keras_downloads") or 0), 1000))
        if "error" in header:
            error = header["error"]
            if error.get("ours"):
                raise WorkerFailed(f"running {name}(): {error.get('message')}")
            raise rebuilt_error(error, self._shown)
        return self._decode(header.get("value"), blobs, everything)

    def _apply_after(self, name, header, blobs, everything, worker, positions) -> None:
        """Make the grader's models what the call left them (compiled, trained), where the
        function's job is to change its model; any other change to an argument fails the call.

        A change is never copied into the grader's own arrays: a check that worked out its
        expected answer from them afterwards would believe a function that rewrote them (a
        probe's train() set the check's labels to its model's guesses and scored 10/10).
        """
        decoder = ReplyDecoder(blobs, everything, worker)
        changed = []
        after = header.get("after") or {}
        if not isinstance(after, dict) or not all(str(index).isdigit() and int(index) < len(everything)
                                                   and isinstance(change, dict) for index, change in after.items()):
            raise WorkerFailed("the worker's report of what the call changed was not one the grader sent")
        for index, change in after.items():
            target, where = everything[int(index)], positions[int(index)]
            if may_change(name, where):
                try:
                    _changed_as_told(target, change, decoder, worker)
                except Exception as error:  # noqa: BLE001 - the worker's report is untrusted data
                    raise WorkerFailed(f"what your code changed in its input could not be read back: {error}") from None
                continue
            changed.append((where, "model" if is_keras(target, "model") else type(target).__name__, None))
        if changed:
            raise changed_failure(name, changed)


def _changed_as_told(target, change: dict, decoder, worker) -> None:
    """Make an argument the call was there to change (a model, a dict to fill) what it became."""
    if "model" in change and is_keras(target, "model"):
        apply_model_state(target, change["model"], decoder)
        known = worker.models.get(id(target))
        if known is not None:
            worker.remember(target, known[1])
        return
    value = decoder.decode(change.get("value"))
    if isinstance(target, dict) and isinstance(value, dict):
        target.clear()
        target.update(value)


def _fit_recorder(value):
    from mnist_course.check_support.toolkit import FitRecorder

    fit = getattr(value, "__dict__", {}).get("fit") if is_keras(value, "model") else None
    return getattr(fit, "recorder", None) if fit is not None and isinstance(getattr(fit, "recorder", None), FitRecorder) else None


def _show(stream: str, text) -> None:
    """What the learner's code printed, with control characters made visible."""
    if text:
        from mnist_course.check_support.safe_text import printable

        getattr(sys, stream).write(printable(str(text), keep_newlines=True))
