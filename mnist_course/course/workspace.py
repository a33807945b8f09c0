"""The course on disk: one object that owns every path the course reads and writes.

The lessons, the reference, the checks, and everything the course writes as the learner goes,
in the git-ignored `.course/` folder (trained models, figures, backups, hint levels, the
remembered MNIST location...). Every other module asks a `Workspace` for a path instead of
spelling one, and every "is it there?" check raises a one-line `CourseError` that says how to
fix it, before anything on disk is changed. The pytest plugin keeps the course it checks in
`config.stash`; the commands find theirs with `Workspace.here()`.
"""

from __future__ import annotations

import errno
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from mnist_course.course import CourseError, Lesson, find_course_root, lesson
from mnist_course.course.stubs import generate_stub, solution_functions

STATE_DIR = ".course"  # git-ignored: everything the course writes as the learner goes
NOTEBOOK_CHECKS = "notebook-checks"  # lesson modules built from a notebook, to check them


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def here(cls) -> "Workspace":
        """The course around the working directory (CourseError outside one)."""
        return cls(find_course_root())

    @property
    def state(self) -> Path:
        return self.root / STATE_DIR

    # --- what the course writes, under .course/ ---------------------------------------------

    @property
    def models(self) -> Path:
        """Trained models (`mnist-course train`), and the LATEST pointer to the newest."""
        return self.state / "models"

    @property
    def figures(self) -> Path:
        """Training curves and confusion matrices drawn by `train` and `evaluate`."""
        return self.state / "figures"

    @property
    def backups(self) -> Path:
        """Lesson files and notebooks kept before `reset`, `update` or a notebook replaced them."""
        return self.state / "backups"

    @property
    def hint_levels(self) -> Path:
        """How many hint levels `mnist-course hint` has shown for each function."""
        return self.state / "hints.json"

    @property
    def mnist_memory(self) -> Path:
        """Where MNIST was found last, so a new terminal finds it without MNIST_PATH."""
        return self.state / "mnist.json"

    @property
    def mnist_means(self) -> Path:
        """The average MNIST training image of each digit, for `predict --explain`."""
        return self.state / "mnist-means.npy"

    @property
    def failures(self) -> Path:
        """Pictures of failed image checks: the input, what was expected, the learner's."""
        return self.state / "failures"

    @property
    def draw_uploads(self) -> Path:
        """Pictures `mnist-course draw` receives, each removed once read."""
        return self.state / "draw"

    @property
    def notebooks(self) -> Path:
        """The learner's own notebooks (`mnist-course notebooks`)."""
        return self.state / "notebooks"

    @property
    def notebook_checks(self) -> Path:
        """Lesson modules made from a notebook's functions, for the checks to import."""
        return self.state / NOTEBOOK_CHECKS

    @property
    def check_cache(self) -> Path:
        """What the checks compute once and reuse: seeded MNIST subsets, a quick model."""
        return self.state / "cache"

    @property
    def docs_figures(self) -> Path:
        """The guide's figures, cached between builds of the site."""
        return self.state / "docs-figures"

    # --- the course's own files -----------------------------------------------------------------

    @property
    def solutions(self) -> Path:
        return self.root / "solutions"

    @property
    def lessons(self) -> Path:
        return self.root / "lessons"

    def learner_file(self, unit: Lesson) -> Path:
        return self.lessons / unit.filename

    def solution_file(self, unit: Lesson) -> Path:
        path = self.solutions / unit.filename
        if not path.is_file():
            raise CourseError(
                f"solutions/{unit.filename} is missing, so lesson {unit.number} cannot be "
                f"checked, compared or reset: restore it with `git checkout -- solutions/{unit.filename}`."
            )
        return path

    def checks_folder(self, unit: Lesson) -> Path:
        path = self.root / unit.checks
        if not path.is_dir():
            raise CourseError(
                f"{unit.checks}/ is missing, so lesson {unit.number} cannot be checked: "
                f"restore it with `git checkout -- {unit.checks}`."
            )
        return path

    def solution_source(self, unit: Lesson) -> str:
        return self.solution_file(unit).read_text(encoding="utf-8")

    def functions(self, unit: Lesson) -> list[str]:
        """The functions the learner writes in this lesson, in the order they appear."""
        return solution_functions(self.solution_source(unit))

    def stub_text(self, unit: Lesson) -> str:
        """The fresh stub the generator makes for this lesson."""
        return generate_stub(self.solution_source(unit), unit)

    def learner_source(self, unit: Lesson) -> str:
        path = self.learner_file(unit)
        broken = broken_link(path, unit)
        if broken:
            raise CourseError(broken)
        if not path.is_file():
            raise CourseError(
                f"lessons/{unit.filename} is missing: `mnist-course reset {unit.number}` "
                "writes a fresh stub (and `reset --list` shows any backups)."
            )
        data = path.read_bytes()
        try:
            return lesson_text(data)
        except UnicodeDecodeError as error:
            raise CourseError(f"lessons/{unit.filename}: {not_utf8(data, error)}.") from None

    def copy_to(self, destination: Path) -> Path:
        """Copy the course as git sees it (tracked files plus new, not-ignored ones) to `destination`.

        What a clone of this working tree would hold, new files included (a lesson being added
        is complete in the copy), `.course/` and other ignored files left out. For the course's
        own tests and bench/run.py, which work in a copy so as never to touch this one.
        """
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for name in filter(None, listed.split("\0")):
            source = self.root / name
            if source.is_file():  # a tracked file deleted in the working tree is not copied
                target = destination / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        return destination


def resolve_lesson(number: str) -> Lesson:
    """`lesson()` for command-line input: "2", "02" are lesson 02, anything else a CourseError."""
    return lesson(number.strip())


def relative(path: Path, root: Path) -> str:
    """`path` as the learner would type it from the course folder."""
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return str(path)


BOM = b"\xef\xbb\xbf"


def lesson_text(data: bytes) -> str:
    """A lesson file's bytes as the text Python reads: a BOM skipped, any line ending as "\\n".

    Windows Notepad starts a UTF-8 file with a BOM and Windows editors end lines with CRLF;
    Python's import accepts both, so every other reader of a lesson does too.
    UnicodeDecodeError if it is not UTF-8.
    """
    return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


def broken_link(path: Path, unit: Lesson) -> str | None:
    """What to say of a lesson file that is a link leading to no file (or back to itself)."""
    if not os.path.islink(path) or os.path.exists(path):
        return None
    return (f"lessons/{unit.filename} is a link that leads to no file (or back to itself): remove "
            f"the link (`rm lessons/{unit.filename}`), then `mnist-course reset {unit.number}` "
            "writes a fresh stub (and `reset --list` shows any backups).")


def not_utf8(data: bytes, error: UnicodeDecodeError) -> str:
    """Where a lesson file stops being UTF-8, and what to do, for a message."""
    line = data[: error.start].count(b"\n") + 1
    return (f"line {line} is not UTF-8 text (byte {data[error.start]:#04x}, an accented letter "
            "saved in another encoding?): save the file as UTF-8 in your editor")


def in_the_form_of(text: str, original: bytes | None) -> bytes:
    """`text` (as `lesson_text` gives it) encoded as `original` was: its BOM and line endings kept."""
    original = original or b""
    if b"\r\n" in original:
        text = text.replace("\n", "\r\n")
    return (BOM if original.startswith(BOM) else b"") + text.encode("utf-8")


class ChangedMeanwhile(CourseError):
    """The file no longer holds what was read (and backed up) from it: it was not replaced."""


ANYTHING = object()  # `write_atomically(only_if=...)` default: replace whatever the file holds


def current_bytes(path: Path) -> bytes | None:
    """What `path` holds, None when there is no file."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def write_atomically(path: Path, content: str | bytes, only_if=ANYTHING) -> None:
    """Replace `path` with `content` in one step: a crash leaves the old file or the new, never half.

    When `path` is a symlink, the file it points to is replaced and the link stays.

    `only_if` (bytes, or None for "no file"): replace the file only while it still holds exactly
    that (what the caller read and backed up), else raise ChangedMeanwhile and leave it be. The
    check is made after the new file is written, as close to the replacement as can be, since
    an editor may save at any moment.
    """
    path = Path(os.path.realpath(path))  # a symlinked file stays a link: its target is replaced
    temporary = _written_beside(path, content)
    try:
        if only_if is not ANYTHING and current_bytes(path) != only_if:
            raise ChangedMeanwhile(f"{path.name} changed while it was being replaced, so it was left as it is.")
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        if error.filename in (str(temporary), None):
            raise type(error)(error.errno, error.strerror, str(path)) from None
        raise
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_new(names: Iterable[Path], content: str | bytes) -> Path:
    """Write `content` under the first of `names` that is free, and return that name.

    The name is taken exclusively (`take_free_name`): two writers at the same moment never
    share one, so neither can later remove or overwrite what the other wrote. The file
    appears whole, never half written.
    """
    names = iter(names)
    first = Path(next(names))
    temporary = _written_beside(first, content)
    try:
        return take_free_name(temporary, itertools.chain([first], names))
    finally:
        temporary.unlink(missing_ok=True)


def _written_beside(path: Path, content: str | bytes) -> Path:
    """A hidden temporary file beside `path`, `content` on disk, with the mode `path` gets."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:  # named after the file the learner knows, not the temporary one
        raise type(error)(error.errno, error.strerror, str(path)) from None
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode_for(path))
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise type(error)(error.errno, error.strerror, str(path)) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def link_exclusively(source: Path, name: Path) -> bool | None:
    """Hard-link `source` as `name`: True when done, False when the name is taken (exclusive,
    like open(x)), None when this file system has no hard links."""
    try:
        os.link(source, name)
        return True
    except FileExistsError:
        return False
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        return None


def take_free_name(source: Path, names: Iterable[Path]) -> Path:
    """Give `source` the first free name of `names`; the name appears with the whole file.

    Taken exclusively (a hard link, or a name reserved with O_EXCL where there are none): a
    check that a name is free followed by a write would let two writers both take it.
    """
    for candidate in names:
        linked = link_exclusively(source, candidate)
        if linked is not None:
            if linked:
                return candidate
            continue
        # No hard links on this file system: reserve the name, then move the file onto it.
        try:
            os.close(os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            continue
        try:
            os.replace(source, candidate)
        except BaseException:
            candidate.unlink(missing_ok=True)  # never leave the empty reservation behind
            raise
        return candidate
    raise ValueError("no name left to take")


def mode_for(path: Path) -> int:
    """The permissions a file written at `path` gets: the replaced file's, or a new file's.

    mkstemp makes its files 0600, which a teaching assistant (another user) cannot read: a file
    the course writes through a temporary one is given this before it takes its name.
    """
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o666 & ~_umask()


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:  # Linux: read, not changed
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    umask = os.umask(0o077)  # elsewhere the only way to read it is to set it for a moment
    os.umask(umask)
    return umask
