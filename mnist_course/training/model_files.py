"""Trained model files: checked before Keras reads them, written so that none is ever lost.

Reading. A model file can carry code: a Lambda layer stores Python that runs when the model
is loaded, and the legacy HDF5 format (`.h5`) ignored Keras' safe mode up to Keras 3.11. So
the course reads only `.keras` files, checks the archive from its zip headers first (what
it holds, how big it unpacks: a zip bomb or a file that only has the name is refused before
Keras opens it), then loads it with `safe_mode=True`, and refuses weights that are NaN.

Writing. A model is saved to a hidden temporary file in the destination folder and only
then given its name, in one step: an interrupted or failed save (Ctrl-C, a full disk)
leaves no half-written model behind. A new name is taken with an exclusive hard link, so
two trainings finishing in the same second never share a file, and a file that would be
replaced is first kept under a timestamped name beside it. A save killed outright (SIGKILL)
leaves its temporary behind: the next save or load in that folder removes it.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import shlex
import shutil
import socket
import tempfile
import time
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from textwrap import shorten

from mnist_course.course import CourseError
from mnist_course.course.workspace import link_exclusively, mode_for, take_free_name

SUFFIX = ".keras"
LEGACY_SUFFIXES = {".h5", ".hdf5"}
ZIP_SIGNATURE = b"PK\x03\x04"
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
REQUIRED_MEMBERS = {"config.json", "metadata.json"}  # every .keras archive holds both
MAX_MEMBERS = 1000
# The course's models unpack to under 20 MB (Keras stores them uncompressed); a learner's
# own wider net may be bigger, but not this big, nor squeezed 100 times.
MAX_UNPACKED = 512 * 2**20
MAX_RATIO = 100
SAVING = ".saving-"  # a model being saved, under a hidden temporary name
STALE_AFTER = 10 * 60  # seconds: a save takes a few; a temporary this old was left by a killed one
TRAIN_AGAIN = "use a model saved by `mnist-course train` (or train one)"


class ModelFileError(CourseError):
    """A model file that cannot or must not be loaded, or a model that could not be saved."""


# --- Reading -----------------------------------------------------------------------------------


def check_archive(path: Path) -> None:
    """Refuse anything but a sound `.keras` zip archive, reading only its headers."""
    path = Path(path)
    if not path.exists():
        raise ModelFileError(f"model file not found: {path}" + (" (a link that leads to no file)"
                                                                 if path.is_symlink() else ""))
    if path.is_dir():
        inside = saved_models(path)
        raise ModelFileError(f"{path} is a folder, not a .keras model file: name the file itself"
                             + (f", e.g. --model {inside[-1]}" if inside else
                                f" (this folder holds none; `mnist-course train` makes one)"))
    if not path.is_file():
        raise ModelFileError(f"{path} is not a regular file, so not a .keras model file")
    legacy = (
        f"{path} is a legacy HDF5 model: the course loads only .keras files, because an HDF5 "
        f"model can run code when it is loaded; {TRAIN_AGAIN}"
    )
    if path.suffix.lower() in LEGACY_SUFFIXES:
        raise ModelFileError(legacy)
    if path.suffix.lower() == SUFFIX and path.suffix != SUFFIX:
        raise ModelFileError(f"{path} ends in {path.suffix}: Keras reads a model only from a name "
                             f"ending in {SUFFIX}, in lower case, so rename it")
    if path.suffix != SUFFIX:
        raise ModelFileError(f"{path} is not a .keras model file: {TRAIN_AGAIN}")
    with open(path, "rb") as handle:
        signature = handle.read(8)
    if signature.startswith(HDF5_SIGNATURE):
        raise ModelFileError(legacy)
    if not signature.startswith(ZIP_SIGNATURE):
        raise ModelFileError(f"{path} is not a Keras model file (not a .keras zip archive): {TRAIN_AGAIN}")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise ModelFileError(f"{path} is a damaged .keras archive ({error}): {TRAIN_AGAIN}") from None
    problem = _archive_problem(members, path.stat().st_size)
    if problem:
        raise ModelFileError(f"{path} was refused before loading: {problem}; {TRAIN_AGAIN}")


def saved_models(folder: Path) -> list[Path]:
    """The model files in `folder`, oldest first. Not the hidden ones: those are temporaries
    (`.saving-...keras`), half written while a save is under way or left by one killed, and
    not a link that leads to no file."""
    found = []
    for path in Path(folder).glob(f"*{SUFFIX}"):
        if path.name.startswith("."):
            continue
        try:
            found.append((path.stat().st_mtime, path))
        except OSError:
            continue
    return [path for _, path in sorted(found)]


def _archive_problem(members: list[zipfile.ZipInfo], size_on_disk: int) -> str | None:
    if len(members) > MAX_MEMBERS:
        return f"it holds {len(members)} files, not the few of a Keras model"
    names = {member.filename for member in members}
    missing = REQUIRED_MEMBERS - names
    if missing:
        return f"it has no {', '.join(sorted(missing))}, so it was not saved by Keras"
    for member in members:
        name = PurePosixPath(member.filename.replace("\\", "/"))
        if name.is_absolute() or ".." in name.parts or ":" in member.filename:
            return f"it holds a file outside the archive ({member.filename!r})"
        if member.flag_bits & 0x1:
            return f"{member.filename} is encrypted"
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED:
        return f"it unpacks to {unpacked / 2**20:,.0f} MB (at most {MAX_UNPACKED // 2**20} MB)"
    if unpacked > 2**20 and unpacked > MAX_RATIO * max(size_on_disk, 1):
        return f"it unpacks to {unpacked // max(size_on_disk, 1)} times its size (a zip bomb)"
    return None


def load_model(path: Path, compile: bool = False):
    """Load a checked `.keras` model in Keras' safe mode; ModelFileError says what is wrong.

    `compile=True` also restores the optimizer, loss and metrics it was saved with (still in
    safe mode): the grader needs them to see how the learner compiled a model.
    """
    path = Path(path)
    check_archive(path)
    remove_stale_saves(path.parent)
    import keras
    import numpy as np

    try:
        model = keras.saving.load_model(path, compile=compile, safe_mode=True)
    except Exception as error:  # noqa: BLE001 - Keras raises many types for a bad file
        text = " ".join(str(error).split())
        if "safe_mode" in text or "arbitrary code" in text:
            raise ModelFileError(
                f"{path} holds Python code that would run when it is loaded (a Lambda layer or "
                f"similar); the course loads models in Keras' safe mode and refused it: {TRAIN_AGAIN}"
            ) from None
        raise ModelFileError(
            f"{path} is not a Keras model file "
            f"({type(error).__name__}: {shorten(text, 160, placeholder=' ...')}). "
            "Use a file saved by `mnist-course train` (*.keras)."
        ) from None
    if not all(np.isfinite(weights).all() for weights in model.get_weights()):
        raise ModelFileError(
            f"{path} has NaN or infinite weights (its training diverged: a learning rate too "
            "high?), so it cannot read digits; train it again."
        )
    return model


def check_scores(scores, path: Path) -> np.ndarray:
    """The model's outputs as an array, or a ModelFileError if any is NaN or infinite."""
    import numpy as np

    scores = np.asarray(scores, dtype=np.float64)
    if not np.isfinite(scores).all():
        raise ModelFileError(
            f"{path} gives NaN or infinite scores, so its answers mean nothing; train it again."
        )
    return scores


# --- Writing -----------------------------------------------------------------------------------


def stamp(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")


def describe_os_error(error: OSError) -> str:
    """A learner's words for a failed write: what went wrong, where."""
    blocking = file_in_the_way(error)
    if blocking is not None:
        aside = f"mv {shlex.quote(str(blocking))} {shlex.quote(str(blocking) + '.old')}"
        return f"{blocking} is a file where the course keeps a folder: move it aside (`{aside}`)"
    where = f" ({error.filename})" if error.filename else ""
    if error.errno == errno.ENOSPC:
        return f"the disk is full{where}"
    if error.errno == errno.EROFS:
        return f"the folder is read-only{where}"
    if error.errno in (errno.EACCES, errno.EPERM):
        return f"permission denied{where}"
    if error.errno == errno.ENAMETOOLONG:
        shown = f" ({shorten_path(str(error.filename))})" if error.filename else ""
        return f"the file name is too long for this system{shown}: use a shorter name or folder"
    if error.errno == errno.ELOOP:
        return f"a link leads back to itself{where}: remove it or use another name"
    return f"{error.strerror or type(error).__name__}{where}"


def file_in_the_way(error: OSError) -> Path | None:
    """The file that stands where a folder must be made or entered (a `.course` file, say),
    which the system calls "File exists" or "Not a directory"."""
    if error.errno not in (errno.EEXIST, errno.ENOTDIR) or not error.filename:
        return None
    path = Path(os.fsdecode(error.filename))
    while not os.path.lexists(path) and path != path.parent:
        path = path.parent
    return path if os.path.lexists(path) and not path.is_dir() else None


def what_to_try(error: OSError) -> str:
    """What a learner can do about a failed write to their own course folder."""
    if file_in_the_way(error) is not None:
        return "run this again once it is moved"
    if error.errno == errno.ENOSPC:
        return "free some disk space, then run this again"
    if error.errno == errno.EROFS:
        return "copy the course to a folder you can write to (git clone it there) and work there"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "make the course folder yours (e.g. `sudo chown -R $USER .` in it), then run this again"
    return "run this again; if it keeps failing, see the guide's Troubleshooting page"


def shorten_path(text: str, most: int = 80) -> str:
    return text if len(text) <= most else f"{text[:40]}...{text[-30:]}"


def check_destination(path: Path, protected: list[Path]) -> None:
    """Refuse, before any training, a place a model cannot or must not be saved to."""
    path = Path(path)
    if path.suffix != SUFFIX:
        raise ModelFileError(f"--out {path}: a model file must end in {SUFFIX} (e.g. mine.keras)")
    try:
        resolved = path.resolve()
    except (RuntimeError, OSError):  # a symlink loop (RuntimeError before Python 3.13)
        raise ModelFileError(f"--out {path} is a link that leads back to itself: remove it, or "
                             f"give another file name ending in {SUFFIX}") from None
    for folder in protected:
        if resolved.is_relative_to(folder.resolve()):
            raise ModelFileError(
                f"--out {path} is inside {folder.name}/, which holds the course's code: "
                "save models elsewhere (e.g. --out models/mine.keras)"
            )
    if path.is_dir():
        raise ModelFileError(f"--out {path} is a folder: give a file name ending in {SUFFIX}")
    if path.exists() and not path.is_file():
        raise ModelFileError(f"--out {path} exists and is not a regular file")
    check_writable(path.parent)


def check_writable(folder: Path) -> None:
    """Refuse a folder that cannot be created or written to (a real write: root ignores modes)."""
    existing = Path(folder)
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise ModelFileError(f"cannot save a model under {folder}: {existing} is a file, not a folder")
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as error:
        reason = describe_os_error(OSError(error.errno, error.strerror))  # not the probe's own name
        raise ModelFileError(f"cannot save a model in {existing}: {reason}: save it where you can "
                             f"write, e.g. --out ~/mnist-models/mine{SUFFIX}") from None


@dataclass
class Saved:
    path: Path
    kept: Path | None = None  # where the file that `path` replaced was kept


def save_model(model, path: Path, replace: bool = False) -> Saved:
    """Save `model` whole under `path` (or, unless `replace`, a free name like `mlp-X-2.keras`).

    With `replace`, an existing file at `path` is first kept as `<stem>-<stamp>.keras` beside it.
    Nothing is left behind if the save fails or is interrupted.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_saves(path.parent)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=saving_prefix(), suffix=SUFFIX)
        os.close(handle)
    except OSError as error:
        raise ModelFileError(f"the model could not be saved: {describe_os_error(error)}") from None
    temporary = Path(name)
    try:
        with warnings.catch_warnings():
            # Keras' and numpy's own warnings while saving are nothing a learner can act on;
            # with warnings as errors (PYTHONWARNINGS=error) one would lose the trained model.
            warnings.simplefilter("ignore")
            model.save(temporary)
        _fsync(temporary)
        os.chmod(temporary, mode_for(path))
        if replace:
            kept = _keep(path) if path.exists() else None
            os.replace(temporary, path)
            return Saved(path, kept)
        return Saved(take_free_name(temporary, _free_names(path)))
    except OSError as error:
        raise ModelFileError(
            f"the model could not be saved ({describe_os_error(error)}): nothing was written, "
            "and your earlier models are as they were"
        ) from None
    finally:
        temporary.unlink(missing_ok=True)


def saving_prefix() -> str:
    """How this process's temporary model files start: `.saving-<pid>@<host>-`.

    A save killed outright (SIGKILL, a power cut) runs no clean-up, so its temporary stays;
    the writer named in it tells the next save or load whether it can go.
    """
    return f"{SAVING}{os.getpid()}@{_host()}-"


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9.]", "_", socket.gethostname())  # no "-": it ends the writer


def remove_stale_saves(folder: Path) -> None:
    """Remove the temporaries that killed saves left in `folder`: their writer on this machine
    is gone, or they are older than any save takes. Best effort: a read-only folder keeps them."""
    try:
        found = list(Path(folder).glob(f"{SAVING}*{SUFFIX}"))
    except OSError:
        return
    for temporary in found:
        if _stale(temporary):
            try:
                temporary.unlink(missing_ok=True)
            except OSError:
                pass


def _stale(temporary: Path) -> bool:
    try:
        age = time.time() - temporary.lstat().st_mtime
    except OSError:
        return False
    if age > STALE_AFTER:
        return True
    writer = re.match(rf"{re.escape(SAVING)}(\d+)@([^-]*)-", temporary.name)
    if writer is None or writer[2] != _host():
        return False  # another machine's save (a shared folder), or no writer named: by age only
    try:
        os.kill(int(writer[1]), 0)
    except ProcessLookupError:
        return True  # its writer is gone
    except (PermissionError, OverflowError):
        pass  # another user's process, or no process id at all: by age only
    return False


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _free_names(path: Path):
    yield path
    count = 2
    while True:
        yield path.with_name(f"{path.stem}-{count}{path.suffix}")
        count += 1


def _keep(path: Path) -> Path:
    """Keep the file at `path` under a free timestamped name beside it, before it is replaced."""
    backup = path.with_name(f"{path.stem}-{stamp()}{path.suffix}")
    for candidate in _free_names(backup):
        linked = link_exclusively(path, candidate)
        if linked is not None:
            if linked:
                return candidate
            continue
        # No hard links on this file system: copy into an exclusively created file.
        try:
            out = open(candidate, "xb")
        except FileExistsError:
            continue
        try:
            with out, open(path, "rb") as source:
                shutil.copyfileobj(source, out)
        except BaseException:
            candidate.unlink(missing_ok=True)
            raise
        return candidate
    raise AssertionError("unreachable")
