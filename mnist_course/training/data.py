"""Getting MNIST: Keras' download, or a local `mnist.npz` checked before it is trusted.

Lesson 01's `load_mnist` chooses where the data comes from and calls one of the two
functions a learner uses from here:

- `read_mnist_file(path)` reads Keras' `mnist.npz` layout from disk. It reads only a
  regular file (a device such as /dev/zero never ends, a pipe blocks), and validates the
  archive from its `.npy` headers (keys, shapes, dtypes, no pickled objects, lengths the
  zip agrees with) *before* any array is read, so a broken or hostile file is refused at
  once, without allocating what its header declares; then it checks the labels.
- `download_mnist()` is `keras.datasets.mnist.load_data()` (downloaded once, then read
  from Keras' cache). Offline it fails in one line that says how to fix it. When MNIST_PATH
  is unset but the course remembers a file it loaded before, it reads that file instead, so
  a new terminal keeps working.

The course remembers the file in `.course/mnist.json` (written atomically) whenever its own
tools load MNIST from a file (`load_mnist_data`, `require`). `problem()` says, without
reading any array, whether MNIST can be loaded at all; the companion commands and the
checks ask it first, so a missing file is reported as exactly that.
"""

from __future__ import annotations

import json
import math
import os
import socket
import stat
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from mnist_course.course import CourseError, find_course_root
from mnist_course.course.workspace import Workspace, write_atomically

EXPECTED_SHAPES = {
    "x_train": (60000, 28, 28),
    "y_train": (60000,),
    "x_test": (10000, 28, 28),
    "y_test": (10000,),
}
KERAS_HOST = ("storage.googleapis.com", 443)  # where keras.datasets.mnist downloads from
FIX = (
    "Fix: point MNIST_PATH at a copy of Keras' mnist.npz (export MNIST_PATH=/path/to/mnist.npz), "
    "or unset it to let Keras download MNIST."
)
NOT_REGULAR = "is not a regular file (a device, a pipe or a socket), so it cannot be Keras' mnist.npz"
OFFLINE_FIX = (
    "Fix: export MNIST_PATH=/path/to/mnist.npz (a copy of Keras' mnist.npz), "
    "or connect to the internet once so Keras can download and cache it."
)


class MnistFileError(CourseError, ValueError):
    """MNIST could not be loaded: the message names the file (or the download) and the fix.

    A `CourseError`, so the CLI shows it as one line with exit code 2, and a `ValueError`,
    so code that catches bad values (`except ValueError`) catches it too.
    """


# --- reading a local file ---------------------------------------------------------------------


EMPTY_PATH = (
    "the path to MNIST is empty (is MNIST_PATH set to nothing, as `export MNIST_PATH=` does?). "
    "Fix: export MNIST_PATH=/path/to/mnist.npz (a copy of Keras' mnist.npz), or `unset MNIST_PATH` "
    "to use Keras' copy."
)


def read_mnist_file(path):
    """Read Keras' `mnist.npz` from `path`: `(x_train, y_train), (x_test, y_test)`, all uint8.

    Raises `MnistFileError` naming the path when the file is missing, a folder, not an
    `.npz` archive, damaged, or holds the wrong keys, shapes, dtypes or labels.
    """
    if path is None:
        raise MnistFileError(
            "read_mnist_file(None): there is no file to read. With no path and no MNIST_PATH, "
            "use download_mnist() (Keras) instead."
        )
    if isinstance(path, str) and not path.strip():  # Path("") would be this folder
        raise MnistFileError(EMPTY_PATH)
    path = Path(path).expanduser()
    with open_regular(path) as handle:  # the file checked is the file read
        _check_headers(path, handle)  # before any array is read: see npz_headers
        try:
            handle.seek(0)
            with np.load(handle, allow_pickle=False) as archive:
                arrays = {key: archive[key] for key in EXPECTED_SHAPES}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
            raise _error(path, f"is damaged ({_first_line(error)})") from None
    for key in ("y_train", "y_test"):
        if arrays[key].max() > 9:
            raise _error(path, f"{key} has labels above 9 (found {int(arrays[key].max())})")
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def read_headers_only(path: Path) -> None:
    """Validate keys, shapes and dtypes of an mnist.npz from its headers; raise MnistFileError."""
    path = Path(path)
    with open_regular(path) as handle:
        _check_headers(path, handle)


def _check_headers(path: Path, handle) -> None:
    headers, lengths = _headers(path, handle)
    for key, shape in EXPECTED_SHAPES.items():
        if key not in headers:
            raise _error(path, f"has no {key} (it holds {sorted(headers) or 'no arrays'})")
        if headers[key] != (shape, np.dtype(np.uint8)):
            declared_shape, dtype = headers[key]
            raise _error(path, f"{key} is {dtype} {declared_shape}, expected uint8 {shape}")
    for key, shape in EXPECTED_SHAPES.items():
        # np.load reads what the .npy header declares; the zip must declare that same length,
        # so nothing is read beyond it, nor is a member cut short found only halfway through.
        header_length, stored = lengths[key]
        declared = header_length + math.prod(shape)
        if declared != stored:
            raise _error(
                path, f"is damaged ({key}.npy holds {stored:,} bytes, its header declares {declared:,})"
            )


def open_regular(path: Path):
    """`path` opened for reading, refused (MnistFileError) unless it is a regular file.

    A device never ends (/dev/zero) and a pipe blocks until someone writes to it: neither
    is opened in a way that waits, nor read at all. A regular file bounds every read below
    by its size, and the zip reader reads only the lengths its headers declare.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise _error(path, "not found", prefix="MNIST file not found") from None
    except OSError as error:
        raise _error(path, f"cannot be read ({_first_line(error)})") from None
    if stat.S_ISDIR(mode):
        raise _error(path, "is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise _error(path, NOT_REGULAR)
    try:
        # O_NONBLOCK: should the path become a pipe after the check, open() still returns at once
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise _error(path, f"cannot be read ({_first_line(error)})") from None
    handle = os.fdopen(descriptor, "rb")
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        handle.close()
        raise _error(path, NOT_REGULAR)
    return handle


def npz_headers(path: Path) -> dict[str, tuple[tuple, np.dtype]]:
    """{array name: (shape, dtype)} for every array in an `.npz`, read from the headers only.

    No array data is read, so a header that declares terabytes costs nothing. Object
    (pickled) arrays are refused: loading them could run code.
    """
    path = Path(path)
    with open_regular(path) as handle:
        return _headers(path, handle)[0]


def _headers(path: Path, handle) -> tuple[dict, dict]:
    """(npz_headers, {array name: (.npy header length, length the zip declares)})."""
    try:
        start = handle.read(6)
        handle.seek(0)
    except OSError as error:
        raise _error(path, f"cannot be read ({_first_line(error)})") from None
    if start == b"\x93NUMPY":
        raise _error(path, "is a single .npy array, not Keras' mnist.npz archive of four arrays")
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _error(path, "is not a readable .npz archive (numpy's zip of arrays)") from None
    headers, lengths = {}, {}
    try:
        with archive:
            for info in archive.infolist():
                if info.filename.endswith(".npy"):
                    with archive.open(info) as member:
                        headers[info.filename[:-4]] = _array_header(member)
                        lengths[info.filename[:-4]] = (member.tell(), info.file_size)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise _error(path, f"is damaged ({_first_line(error)})") from None
    for key, (_, dtype) in headers.items():
        if dtype.hasobject:
            raise _error(path, f"{key} holds pickled Python objects, which the course never loads")
    return headers, lengths


def _array_header(member) -> tuple[tuple, np.dtype]:
    version = np.lib.format.read_magic(member)
    if version == (1, 0):
        shape, _, dtype = np.lib.format.read_array_header_1_0(member)
    elif version == (2, 0):
        shape, _, dtype = np.lib.format.read_array_header_2_0(member)
    else:
        raise ValueError(f"unsupported .npy format version {version}")
    return tuple(shape), np.dtype(dtype)


def _error(path: Path, what: str, prefix: str | None = None) -> MnistFileError:
    head = f"{prefix}: {path}" if prefix else f"MNIST file {path} {what}"
    return MnistFileError(f"{head}. {FIX}")


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:200]


# --- Keras' download --------------------------------------------------------------------------


def download_mnist():
    """`keras.datasets.mnist.load_data()`, with one clear line instead of a traceback offline.

    When MNIST_PATH is unset and the course remembers a file it loaded before, that file is
    read instead (so a new terminal without MNIST_PATH keeps working offline).
    """
    remembered_file = remembered()
    if remembered_file is not None and not os.environ.get("MNIST_PATH"):
        return read_mnist_file(remembered_file)
    from keras.datasets import mnist  # starts TensorFlow: only when we must download

    try:
        return mnist.load_data()
    except Exception as error:  # noqa: BLE001 - Keras wraps network errors in a bare Exception
        raise MnistFileError(
            f"MNIST could not be downloaded with keras.datasets.mnist ({_first_line(error)}). "
            f"{OFFLINE_FIX}"
        ) from None


def keras_cache_candidates() -> list[Path]:
    """Where `keras.datasets.mnist.load_data()` looks for its cached copy, in Keras' order."""
    if os.environ.get("KERAS_HOME"):
        homes = [Path(os.environ["KERAS_HOME"])]
    else:
        homes = [Path.home() / ".keras", Path(tempfile.gettempdir()) / ".keras"]
    return [home.expanduser() / "datasets" / "mnist.npz" for home in homes]


def keras_host_problem(timeout: float = 3.0) -> str | None:
    """None if Keras' download server answers; otherwise why not, e.g. 'Name or service not known'."""
    try:
        socket.create_connection(KERAS_HOST, timeout=timeout).close()
    except OSError as error:
        return getattr(error, "strerror", None) or _first_line(error)
    return None


# --- remembering where MNIST is ---------------------------------------------------------------


def _course_root(root) -> Path | None:
    if root is not None:
        return Path(root)
    try:
        return find_course_root()
    except CourseError:
        return None


def remembered(root=None) -> Path | None:
    """The MNIST file the course loaded last, if it still exists; None otherwise."""
    base = _course_root(root)
    if base is None:
        return None
    try:
        stored = json.loads(Workspace(base).mnist_memory.read_text(encoding="utf-8"))["path"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    path = Path(str(stored))
    return path if path.is_file() else None


def remember(path, root=None) -> None:
    """Note `path` as where MNIST is, in `.course/mnist.json` (temporary file + rename).

    Best effort: a read-only course simply does not remember.
    """
    base = _course_root(root)
    if base is None:
        return
    target = Workspace(base).mnist_memory
    text = json.dumps({"path": str(Path(path).expanduser().resolve())}) + "\n"
    try:
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            return
        write_atomically(target, text)
    except (OSError, UnicodeDecodeError):
        pass


def chosen_file(root=None) -> tuple[Path | None, str]:
    """The local file the course would read, and where that choice came from."""
    if os.environ.get("MNIST_PATH"):
        return Path(os.environ["MNIST_PATH"]).expanduser(), "MNIST_PATH"
    found = remembered(root)
    if found is not None:
        return found, "remembered in .course/mnist.json"
    return None, "keras.datasets"


# --- the course's own loader and its preflight ------------------------------------------------


def load_mnist_data(root=None):
    """MNIST for the course's own tools (the checks' data): MNIST_PATH, the remembered file,
    or Keras. A file that loads is remembered for the next terminal."""
    path, _ = chosen_file(root)
    if path is None:
        return download_mnist()
    data = read_mnist_file(path)
    remember(path, root)
    return data


def problem(root=None) -> str | None:
    """Why MNIST cannot be loaded right now, in one line with the fix; None when it can.

    Reads headers only (never the arrays), so it is quick enough to ask before every run.
    """
    path, source = chosen_file(root)
    if path is not None:
        try:
            read_headers_only(path)
        except MnistFileError as error:
            return f"MNIST cannot be loaded ({source}): {error}"
        return None
    for cached in keras_cache_candidates():
        if cached.is_file():
            try:
                read_headers_only(cached)
            except MnistFileError as error:
                return f"Keras' cached MNIST is damaged: {error} (or delete {cached})"
            return None
    offline = keras_host_problem()
    if offline is None:
        return None
    return (
        f"MNIST cannot be loaded: MNIST_PATH is not set, MNIST is not in Keras' cache, and "
        f"Keras cannot download it ({KERAS_HOST[0]}: {offline}). {OFFLINE_FIX}"
    )


def require(root=None) -> None:
    """Preflight for commands that run checks: raise MnistFileError (one line) if MNIST cannot
    be loaded. It writes nothing: the checks remember the file once they have loaded it."""
    found = problem(root)
    if found is not None:
        raise MnistFileError(found)
