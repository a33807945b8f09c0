"""The worker: imports one learner lesson file and answers the grader's calls.

    python -m mnist_course.grading.worker LESSON_FILE    (fds in MNIST_COURSE_WORKER_FDS)

Everything here runs beside the learner's code and is as untrusted as it is: the grader
believes nothing the worker says beyond "this is what your function returned", and checks
that itself. What runs here is only what makes a call look, to the learner's function, as
it does in the learner's own loop: the arguments, the environment, stand-ins the check asked
for (`scenarios`), and a record of the calls the check wants to watch (steps of a pipeline,
`model.fit`).

A request is `{"op": "call", "name", "args", "kwargs", ...}` or `{"op": "getattr", "name"}`;
a reply is `{"value": ...}` or `{"error": ...}`, plus what the call printed and what it
changed in its arguments.
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import os
import signal
import sys
import traceback
from pathlib import Path

from mnist_course.grading.state import apply_model_state, model_state_message, state_digest

REAL_EXIT = os._exit
FDS_ENV = "MNIST_COURSE_WORKER_FDS"  # "read,write": the request and reply pipes
DUMP_ENV = "MNIST_COURSE_WORKER_DUMP"  # where the stacks go when the grader asks (SIGUSR1)
OUTPUT_LIMIT = 64 * 1024  # characters of printed output kept per call



class BoundedText(io.TextIOBase):
    """A text stream that keeps the first OUTPUT_LIMIT characters written to it."""

    def __init__(self):
        self.parts: list[str] = []
        self.size = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        room = OUTPUT_LIMIT - self.size
        self.parts.append(text[:max(room, 0)])
        self.size += min(len(text), max(room, 0))
        self.dropped += max(len(text) - max(room, 0), 0)
        return len(text)

    def text(self) -> str:
        kept = "".join(self.parts)
        return kept + (f"\n[... {self.dropped} more characters]" if self.dropped else "")


class Worker:
    def __init__(self, lesson_path: Path, read_fd: int, write_fd: int):
        self.lesson_path = lesson_path
        self.folder = lesson_path.resolve().parent
        self.read_fd, self.write_fd = read_fd, write_fd
        self.module = None
        self.models: dict[int, object] = {}  # the grader's handle -> our copy of its model

    # --- the learner's frames, for the grader's teaching message ---------------------------

    def frames(self, error: BaseException) -> list[dict]:
        return [
            {"file": Path(frame.filename).name, "line": frame.lineno, "function": frame.name,
             "text": (frame.line or "").strip()}
            for frame in traceback.extract_tb(error.__traceback__)
            if Path(frame.filename).resolve().parent == self.folder
        ]

    def error_reply(self, error: BaseException) -> dict:
        from mnist_course.check_support.outcome import LearnerExit

        exit_status = None
        if isinstance(error, SystemExit):
            exit_status = error.code if isinstance(error.code, (int, type(None))) else str(error.code)
        if isinstance(error, LearnerExit):
            exit_status = error.status
        kind = type(error)
        try:
            message = str(error)
        except Exception:  # noqa: BLE001 - a learner's exception whose __str__ raises
            message = ""
        return {"error": {
            "type": kind.__qualname__,
            "module": kind.__module__,
            "bases": [base.__qualname__ for base in kind.__mro__ if base.__module__ == "builtins"],
            "message": message[:4000],
            "frames": self.frames(error),
            "exit": exit_status,
            "is_exit": isinstance(error, (SystemExit, LearnerExit)),
        }}

    # --- serving ------------------------------------------------------------------------

    def send(self, header: dict, blobs=()) -> None:
        from mnist_course.grading.channel import send

        send(self.write_fd, header, list(blobs))

    def run(self) -> None:
        from mnist_course.grading.channel import ChannelClosed, receive

        self.start()
        while True:
            try:
                request, blobs = receive(self.read_fd)
            except ChannelClosed:
                return
            op = request.get("op")
            if op == "bye":
                return
            try:
                if op == "call":
                    header, out = self.call(request, blobs)
                elif op == "getattr":
                    header, out = self.attribute(request["name"])
                else:
                    header, out = {"error": {"type": "ProtocolError", "message": f"unknown op {op!r}"}}, []
            except BaseException as error:  # noqa: BLE001 - the worker reports, never dies of it
                header, out = {"error": {"type": "WorkerError", "module": "mnist_course",
                                         "bases": [], "message": f"{type(error).__name__}: {error}"[:2000],
                                         "frames": [], "exit": None, "is_exit": False, "ours": True}}, []
            self.send(header, out)

    def start(self) -> None:
        from mnist_course.course import load_module
        from mnist_course.check_support.outcome import LearnerExit

        def forbidden_exit(status=0):
            raise LearnerExit(status)

        os._exit = forbidden_exit  # as in the learner's loop: an exit call is reported, not obeyed
        printed = BoundedText()
        try:
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
                self.module = load_module(self.lesson_path)
        except SyntaxError as error:
            self.send({"import_error": {"kind": "syntax", "line": error.lineno, "message": str(error.msg),
                                        "text": (error.text or "").rstrip()[:400]}})
            return
        except BaseException as error:  # noqa: BLE001 - anything at import time is the learner's
            self.send({"import_error": {"kind": "raised", **self.error_reply(error)["error"]}})
            return
        self.send({"ready": True})

    def attribute(self, name: str):
        from mnist_course.grading.codec import Encoder

        if not isinstance(name, str) or not hasattr(self.module, name):
            return {"missing": True}, []
        value = getattr(self.module, name)
        if callable(value) and not isinstance(value, type):
            return {"callable": True}, []
        encoder = Encoder()
        return {"value": encoder.encode(value)}, encoder.blobs

    def call(self, request: dict, blobs: list[bytes]):
        from mnist_course.grading.scenarios import Observed, applied

        decoder = WorkerDecoder(blobs, self.models)
        args = [decoder.decode(arg) for arg in request.get("args", [])]
        kwargs = {str(key): decoder.decode(value) for key, value in request.get("kwargs", {}).items()}
        positions = list(range(len(args))) + list(kwargs)
        everything = args + list(kwargs.values())
        before = [state_digest(value) for value in everything]
        function = getattr(self.module, str(request["name"]), None)
        if function is None:
            return {"error": {"type": "AttributeError", "module": "builtins", "bases": ["AttributeError"],
                              "message": f"the lesson has no {request['name']}", "frames": [],
                              "exit": None, "is_exit": False}}, []
        if request.get("seed") is not None:  # the check seeded Keras just before this call
            import keras

            keras.utils.set_random_seed(int(request["seed"]))
        steps: list[str] = []
        fit_calls: dict[int, list] = {}
        observed = Observed()
        printed, errors = BoundedText(), BoundedText()
        with contextlib.ExitStack() as stack:
            stack.enter_context(self.environment(request.get("env", {})))
            stack.enter_context(applied(request.get("scenarios", []), observed))
            stack.enter_context(self.tracing(request.get("trace", []), steps))
            for index in request.get("watch_fit", []):
                stack.enter_context(self.watching_fit(everything[index], fit_calls.setdefault(index, [])))
            stack.enter_context(contextlib.redirect_stdout(printed))
            stack.enter_context(contextlib.redirect_stderr(errors))
            try:
                result = function(*args, **kwargs)
            except BaseException as error:  # noqa: BLE001 - the learner's error, sent back as data
                reply, result = self.error_reply(error), None
            else:
                reply = None
        encoder = WorkerEncoder({id(value): i for i, value in enumerate(everything)}, self.models)
        if reply is None:
            reply = {"value": encoder.encode(result)}
        reply["after"] = {
            str(i): encoder.after(value)
            for i, value in enumerate(everything) if state_digest(value) != before[i]
        }
        reply["positions"] = [str(p) for p in positions]
        reply.update(stdout=printed.text(), stderr=errors.text(), trace=steps,
                     fit_calls={str(i): [encoder.encode(call) for call in calls] for i, calls in fit_calls.items()},
                     keras_downloads=len(observed.keras_downloads))
        return reply, encoder.blobs

    @staticmethod
    @contextlib.contextmanager
    def environment(changes: dict):
        saved = {name: os.environ.get(name) for name in changes}
        for name, value in changes.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = str(value)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    @contextlib.contextmanager
    def tracing(self, names: list[str], steps: list[str]):
        """Record, in order, which of the module's functions `names` the call used."""
        from mnist_course.check_support.toolkit import spy_on

        saved = spy_on(self.module, names, steps)
        try:
            yield
        finally:
            for name, original in saved.items():
                setattr(self.module, name, original)

    @staticmethod
    @contextlib.contextmanager
    def watching_fit(model, calls: list):
        """Record how the learner's code called `model.fit` (its arguments, named)."""
        fit = model.fit

        def watched(*args, **kwargs):
            from mnist_course.check_support.toolkit import fit_arguments

            calls.append(fit_arguments(args, kwargs))
            return fit(*args, **kwargs)

        model.fit = watched
        try:
            yield
        finally:
            del model.fit


class WorkerDecoder:
    """The grader's values, with its models kept here by handle between calls."""

    def __new__(cls, blobs, models):
        from mnist_course.grading.codec import CodecError, Decoder, model_from_bytes

        class _Decoder(Decoder):
            def model(self, node):
                handle = node.get("h")
                if node.get("b") is not None:
                    models[handle] = model_from_bytes(self.blob(node["b"]))
                if handle not in models:
                    raise CodecError("a model handle the worker does not know")
                if node.get("state") is not None:  # the check rewound or changed its numbers
                    apply_model_state(models[handle], node["state"], self)
                return models[handle]

        return _Decoder(blobs)


class WorkerEncoder:
    """Results, with "the same object as argument k" said as such (compile_model's return),
    and each new model kept here under a handle, so the grader can pass it back cheaply."""

    def __new__(cls, arguments: dict[int, int], models: dict):
        from mnist_course.grading.codec import Encoder, is_keras

        class _Encoder(Encoder):
            def encode(self, value, depth=0):
                if id(value) in arguments and (is_keras(value, "model") or isinstance(value, (dict, list))):
                    return {"$": "arg", "i": arguments[id(value)]}
                return super().encode(value, depth)

            def model(self, model):
                node = super().model(model)
                handle = next((h for h, kept in models.items() if kept is model), None)
                if handle is None:
                    handle = f"w{len(models)}"
                    models[handle] = model
                node["h"] = handle
                return node

            def after(self, value):
                """What a call changed in an argument: a model's numbers, or the new value."""
                if is_keras(value, "model"):
                    return {"model": model_state_message(value, self)}
                return {"value": Encoder.encode(self, value)}

        return _Encoder()


def main() -> None:
    read_fd, write_fd = (int(fd) for fd in os.environ.pop(FDS_ENV).split(","))
    dump = os.environ.pop(DUMP_ENV, None)
    if dump:
        # The grader asks for every stack when a call runs out of time: that is how the
        # message names the learner's line that never finished.
        faulthandler.register(signal.SIGUSR1, file=open(dump, "w"), all_threads=True)  # noqa: SIM115
    Worker(Path(sys.argv[1]), read_fd, write_fd).run()
    REAL_EXIT(0)  # skip TensorFlow's slow teardown, as the checks do


if __name__ == "__main__":
    main()
