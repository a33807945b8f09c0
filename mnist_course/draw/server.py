"""The page's server: Python's own HTTP server, on 127.0.0.1 only.

It answers two things: GET of the page's few files (from `static/`, known by name: no
path from the client ever reaches the file system) and POST /predict with one picture as
the request body. A picture larger than MAX_BYTES is refused from its Content-Length,
before a byte of it is read, and a request (its line, headers and body) must arrive within
REQUEST_DEADLINE seconds, however slowly its bytes trickle in. Every problem is a JSON
`{"error": ...}` for the page and one line in the terminal; the server keeps running.
"""

from __future__ import annotations

import html
import io
import json
import sys
import threading
import time
import webbrowser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from mnist_course.companion.runner import DEFAULT_LIMIT
from mnist_course.course import CourseError
from mnist_course.draw.reading import PictureError, Reader
from mnist_course.training.pipeline import Implementation

HOST = "127.0.0.1"
DEFAULT_PORT = 8028
MAX_BYTES = 8 * 1024 * 1024  # a phone photo is 2-6 MB; a drawing a few KB
REQUEST_DEADLINE = 30.0  # seconds for a whole request; the browser is on this machine: 8 MB take < 1 s
# Connections waiting to be accepted: the page sends a picture per stroke, a photo and the
# page's own files at once; beyond the listen backlog (socketserver's 5) the system refuses them.
REQUEST_QUEUE = 128
SOURCES = {"canvas": "your drawing", "file": "your photo", "camera": "the webcam photo"}
STATIC = {  # URL path -> (file in static/, content type)
    "/": ("index.html", "text/html; charset=utf-8"),
    "/draw.js": ("draw.js", "text/javascript; charset=utf-8"),
    "/draw.css": ("draw.css", "text/css; charset=utf-8"),
    "/favicon.svg": ("favicon.svg", "image/svg+xml"),
}
# Everything the page uses comes from this server; pictures also come from data: and blob: URLs.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; "
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


_TERMINAL = threading.Lock()  # the handlers' threads write at once: a line is never split


def say(line: str) -> None:
    """One line in the learner's terminal."""
    _write(sys.stdout, line)


def warn(line: str) -> None:
    _write(sys.stderr, f"mnist-course draw: {line}")


def _write(stream, line: str) -> None:
    with _TERMINAL:  # print() writes the text and its newline apart: another line could come between
        stream.write(line + "\n")
        stream.flush()


class DeadlineReader(io.RawIOBase):
    """A connection's bytes, each wait for them given only what is left until `deadline`.

    A socket timeout counts from each byte: a client sending a byte a second never hits it.
    """

    def __init__(self, connection, timeout: float):
        self.connection = connection
        self.timeout = timeout  # the socket's own, for everything but these reads
        self.deadline = float("inf")  # time.monotonic() by which the request must have come

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request took longer than its deadline to arrive")
        self.connection.settimeout(left)
        try:
            return self.connection.recv_into(buffer)
        finally:  # the answer is written with the usual timeout, not a deadline's last moments
            self.connection.settimeout(self.timeout)


class DrawHandler(BaseHTTPRequestHandler):
    server: DrawServer
    server_version = "mnist-course-draw"
    timeout = 30  # a client that stops sending does not hold a thread for ever

    def log_message(self, format, *args):  # noqa: A002 - the terminal gets our own lines instead
        pass

    def setup(self):
        super().setup()
        self.rfile.close()  # the socket's own reader: replaced by one that keeps the deadline
        self.deadline = DeadlineReader(self.connection, self.timeout)
        self.rfile = io.BufferedReader(self.deadline)

    def handle_one_request(self):
        # A TimeoutError while the request is read ends the connection (BaseHTTPRequestHandler).
        self.deadline.deadline = time.monotonic() + self.server.request_deadline
        super().handle_one_request()

    def do_GET(self):
        path = urlsplit(self.path).path
        if path not in STATIC or not self.from_this_page():
            self.send_json(HTTPStatus.NOT_FOUND, {"error": "no such page"})
            return
        body = self.server.files[path]
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", STATIC[path][1])
        self.send_header("Content-Length", str(len(body)))
        self.send_common_headers()
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        url = urlsplit(self.path)
        if url.path != "/predict" or not self.from_this_page():
            self.close_connection = True
            self.send_json(HTTPStatus.NOT_FOUND, {"error": "no such page"})
            return
        source = parse_qs(url.query).get("source", [""])[0]
        what = SOURCES.get(source, "the picture")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            self.refuse(HTTPStatus.LENGTH_REQUIRED, f"{what}: the request did not say its size")
            return
        if length > MAX_BYTES:
            self.close_connection = True  # the body is never read
            self.refuse(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"{what} is {length / 1e6:.1f} MB: the limit is {MAX_BYTES / 1e6:.0f} MB. "
                "Use a smaller picture (a crop of the digit is best).",
            )
            return
        try:
            data = self.rfile.read(length)
        except OSError:  # the browser went away or stopped sending (timeout): nobody to answer
            self.close_connection = True
            return
        try:
            reading = self.server.reader.read(data)
        except PictureError as error:
            self.refuse(error.status, f"{what}: {error}")
            return
        except Exception as error:  # noqa: BLE001 - a full disk, a bug: said, and the server goes on
            reason = f"{type(error).__name__}: {error}"
            self.refuse(HTTPStatus.INTERNAL_SERVER_ERROR, f"{what} could not be read ({reason})")
            return
        first, second = sorted(range(10), key=lambda d: -reading.probabilities[d])[:2]
        answer = f"{first}" if reading.digit is not None else f"no answer, {first} and {second} tie"
        say(f"{what}: {answer} ({reading.probabilities[first]:.0%} sure; next {second} "
            f"{reading.probabilities[second]:.0%}) in {reading.seconds * 1000:.0f} ms")
        self.send_json(HTTPStatus.OK, reading.as_json())

    def from_this_page(self) -> bool:
        """Only this address, by name or number: no other site reaches the server through
        the browser (DNS rebinding, cross-site posts)."""
        port = self.server.server_address[1]
        hosts = {f"{HOST}:{port}", f"localhost:{port}"}
        origin = self.headers.get("Origin")
        return self.headers.get("Host") in hosts and (
            origin is None or origin in {f"http://{host}" for host in hosts}
        )

    def refuse(self, status: int, message: str) -> None:
        warn(message)
        self.send_json(status, {"error": message})

    def send_json(self, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_common_headers()
        self.end_headers()
        self.wfile.write(body)

    def send_common_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")


class DrawServer(ThreadingHTTPServer):
    daemon_threads = True  # Ctrl-C does not wait for a browser's idle keep-alive connections
    request_queue_size = REQUEST_QUEUE
    request_deadline = REQUEST_DEADLINE

    def __init__(self, reader: Reader, port: int = DEFAULT_PORT):
        super().__init__((HOST, port), DrawHandler)
        self.reader = reader
        self.files = static_files(reader)

    def handle_error(self, request, client_address):
        """One line instead of socketserver's traceback; a closed browser tab is not worth one."""
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):
            warn(f"a request failed ({type(error).__name__}: {error}); still serving")

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"


def static_files(reader: Reader) -> dict[str, bytes]:
    """The page's files, read once; the page is told the model, the code and the size limit."""
    folder = resources.files("mnist_course.draw") / "static"
    files = {path: (folder / name).read_bytes() for path, (name, _) in STATIC.items()}
    model = reader.model_path.name if reader.model_path else "no model"
    code = describe_implementation(reader.root, reader.impl)
    problem = (
        f'<p class="problem" role="alert">{html.escape(reader.problem)}</p>' if reader.problem else ""
    )
    page = files["/"].decode("utf-8")
    for key, value in {
        "{{model}}": html.escape(model),
        "{{code}}": html.escape(code),
        "{{problem}}": problem,
        "{{max_bytes}}": str(MAX_BYTES),
    }.items():
        page = page.replace(key, value)
    files["/"] = page.encode("utf-8")
    return files


def describe_implementation(root: Path, impl: Implementation) -> str:
    folder = Path(impl.folder).resolve()
    if folder == (root / "lessons").resolve():
        return "your lesson 07 (lessons/)"
    if folder == (root / "solutions").resolve():
        return "the reference lesson 07 (solutions/)"
    return f"the lesson 07 in {folder}"


def serve(
    root: Path,
    impl: Implementation,
    model_path: Path | None = None,
    port: int = DEFAULT_PORT,
    open_browser: bool = True,
    limit: float | None = DEFAULT_LIMIT,
) -> None:
    """Serve the page until Ctrl-C; `limit`: seconds for the learner's code to read one picture."""
    reader = None
    try:
        say("Loading the model...")
        reader = Reader(root, impl, model_path, limit)
        if reader.problem and model_path is not None:
            raise CourseError(reader.problem)  # the model asked for by name: nothing to serve
        if reader.problem:
            warn(reader.problem)  # no model trained yet: the page says how to make one
        try:
            server = DrawServer(reader, port)
        except OSError as error:
            raise CourseError(
                f"cannot serve on {HOST}:{port} ({error.strerror or error}): "
                "another program uses that port; try --port 0 for any free one."
            ) from None
        say(f"Reading with {reader.model_path or 'no model'} and {describe_implementation(root, impl)}.")
        say(f"Draw a digit at {server.url}  (Ctrl-C stops)")
        if open_browser:
            # In a thread: some platforms' browser launchers wait for the browser.
            threading.Thread(target=webbrowser.open, args=(server.url,), daemon=True).start()
        with server:
            server.serve_forever()
    except KeyboardInterrupt:
        say("Stopped.")
    finally:
        if reader is not None:
            reader.close()
