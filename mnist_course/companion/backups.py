"""Timestamped copies of a learner's files, kept before anything replaces them.

    .course/backups/lesson_02/20250301-142501.py     the file, byte for byte
    .course/backups/lesson_02/20250301-142501.json   where it came from, when, its SHA-256

Files of the learner's that are not lessons (notes, scripts: anything git does not track
that an update replaces) are kept the same way, under their own path:

    .course/backups/files/20250301-142501/notes.md
    .course/backups/files/20250301-142501.json       each file's SHA-256

The checksum is what tells a good backup from a damaged one (truncated, edited, half
copied): a damaged backup is never restored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mnist_course.course.workspace import (
    ChangedMeanwhile, Workspace, current_bytes, relative, write_atomically, write_new,
)
from mnist_course.course import LESSONS, CourseError, Lesson

STAMP_FORMAT = "%Y%m%d-%H%M%S"


class DamagedBackup(CourseError):
    """A backup whose file or record is missing, unreadable, or fails its checksum."""

    def __init__(self, backup: "Backup", reason: str):
        self.reason = reason
        super().__init__(
            f"backup {backup.stamp} of lesson {backup.lesson.number} is damaged ({reason}), "
            "so it was not restored and nothing was changed."
        )


@dataclass(frozen=True)
class Backup:
    lesson: Lesson
    stamp: str
    file: Path
    record: Path

    @property
    def sort_key(self) -> tuple[str, int]:
        # "20250301-142501" then "20250301-142501_2" (a second backup within the same second)
        base, _, count = self.stamp.partition("_")
        return base, int(count) if count.isdigit() else 1

    def read(self) -> bytes:
        """The backed-up bytes, after checking them against the record; DamagedBackup if not."""
        try:
            record = json.loads(self.record.read_text(encoding="utf-8"))
            expected = record["sha256"]
        except FileNotFoundError:
            raise DamagedBackup(self, f"its record {self.record.name} is missing") from None
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, RecursionError):
            # RecursionError: a record nested thousands deep is damaged, not a crash
            raise DamagedBackup(self, f"its record {self.record.name} is unreadable") from None
        try:
            data = self.file.read_bytes()
        except OSError:
            raise DamagedBackup(self, f"{self.file.name} is missing") from None
        if hashlib.sha256(data).hexdigest() != expected:
            raise DamagedBackup(self, f"{self.file.name} no longer matches its checksum")
        return data

    def problem(self) -> str | None:
        """Why this backup cannot be restored, or None if it is sound."""
        try:
            self.read()
        except DamagedBackup as error:
            return error.reason
        return None


def folder(workspace: Workspace, unit: Lesson) -> Path:
    return workspace.backups / f"lesson_{unit.number}"


def save(workspace: Workspace, unit: Lesson, data: bytes, now: dt.datetime | None = None) -> Backup:
    """Keep `data` (the learner's lesson file) as a new backup and verify it was written whole.

    The backup's name is its own: two commands backing up in the same second take different
    stamps, so neither can remove or overwrite the other's backup.
    """
    where = folder(workspace, unit)
    file = write_new((where / f"{stamp}.py" for stamp in _stamps(where, now, ".json")), data)
    backup = Backup(unit, file.stem, file, file.with_suffix(".json"))
    try:
        _write_record(workspace, unit, backup, data)
    except BaseException:
        discard(backup)  # half a backup is no backup: leave none
        raise
    return backup


def _stamps(where: Path, now: dt.datetime | None, *taken_by: str):
    """Stamps for a new backup in `where`: "20250301-142501", "20250301-142501_2"..., each
    without a file ending in any of `taken_by`. The caller takes one exclusively, since
    another command may be choosing at the same moment."""
    where.mkdir(parents=True, exist_ok=True)
    base = (now or dt.datetime.now()).strftime(STAMP_FORMAT)
    for count in itertools.count(1):
        stamp = base if count == 1 else f"{base}_{count}"
        if not any((where / f"{stamp}{suffix}").exists() for suffix in taken_by):
            yield stamp


def save_files(workspace: Workspace, names: list[str], why: str, now: dt.datetime | None = None) -> Path:
    """Keep the learner's files `names` (paths relative to the course) before `why` replaces them.

    Returns the folder that holds them, each under its own path. Every copy is read back and
    checked against its SHA-256 before this returns; CourseError (and no backup) if one is not
    sound, so the caller changes nothing.
    """
    where = workspace.backups / "files"
    for stamp in _stamps(where, now, ".json"):
        kept, record = where / stamp, where / f"{stamp}.json"
        try:
            kept.mkdir()  # exclusive: the folder, and so the stamp, is this backup's alone
            break
        except FileExistsError:
            continue
    sums = {}
    try:
        for name in names:
            data = (workspace.root / name).read_bytes()
            write_atomically(kept / name, data)
            sums[name] = hashlib.sha256(data).hexdigest()
        write_atomically(record, json.dumps(
            {"why": why, "saved": dt.datetime.now().isoformat(timespec="seconds"), "sha256": sums}, indent=2
        ) + "\n")
        for name, expected in sums.items():
            if hashlib.sha256((kept / name).read_bytes()).hexdigest() != expected:
                raise CourseError(f"could not back up {name} (its copy does not match it)")
    except BaseException:
        shutil.rmtree(kept, ignore_errors=True)  # half a backup is no backup: leave none
        record.unlink(missing_ok=True)
        raise
    return kept


def _write_record(workspace: Workspace, unit: Lesson, backup: Backup, data: bytes) -> None:
    record = {
        "lesson": unit.number,
        "file": relative(workspace.learner_file(unit), workspace.root),
        "saved": dt.datetime.now().isoformat(timespec="seconds"),
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    write_atomically(backup.record, json.dumps(record, indent=2) + "\n")
    try:
        backup.read()  # the learner's file is only replaced once its copy is known good
    except DamagedBackup as error:
        raise CourseError(
            f"could not back up lessons/{unit.filename} ({error.reason}): it was left as it is."
        ) from None


ATTEMPTS = 20  # an editor saving every few milliseconds gets this many chances to pause


@dataclass
class Replaced:
    done: bool  # False: the file already held what it would have become
    backup: Backup | None  # the learner's file as it was, None when it was nothing of theirs


def replace_lesson(
    workspace: Workspace, unit: Lesson, new_for: Callable[[bytes | None], bytes | None], again: str
) -> Replaced:
    """Replace the learner's lesson file with `new_for(what it holds)`, backing up exactly the
    bytes replaced (unless they are the stub or no file).

    `new_for` gets the file's bytes (None: no file) and returns the new bytes, or None when
    there is nothing to do. The file is read once per attempt, those bytes are backed up, and
    the file is replaced only if it still holds them: an editor's save in between means
    another attempt, so no save is ever replaced unless it is in a backup. One-line
    CourseErrors, the file as it was, when it keeps changing (`again` is the command to run
    again then) or cannot be written; the backup made for a write that failed is removed.
    """
    from mnist_course.training.model_files import describe_os_error, what_to_try

    path = workspace.learner_file(unit)
    stub = workspace.stub_text(unit).encode("utf-8")
    for _ in range(ATTEMPTS):
        try:
            current = current_bytes(path)
        except OSError as error:
            fix = (f"move it out of the way (e.g. `mv lessons/{unit.filename} {unit.filename}.old`), "
                   "then run this again" if path.is_dir() else "make it readable, then run this again")
            raise CourseError(f"lessons/{unit.filename} cannot be read ({describe_os_error(error)}): "
                              f"{fix}.") from None
        new = new_for(current)
        if new is None or new == current:
            return Replaced(False, None)
        backup = None
        if current is not None and current != stub:
            try:
                backup = save(workspace, unit, current)
            except OSError as error:
                raise CourseError(
                    f"could not back up lessons/{unit.filename} ({describe_os_error(error)}), so it "
                    f"was left as it is: {what_to_try(error)}."
                ) from None
        try:
            write_atomically(path, new, only_if=current)
        except ChangedMeanwhile:
            if backup is not None:
                discard(backup)  # its own (names are exclusive), of what it did not replace
            continue
        except OSError as error:
            if backup is not None:
                discard(backup)
            raise CourseError(
                f"could not write lessons/{unit.filename} ({describe_os_error(error)}): it was left "
                f"as it is, and nothing was backed up: {what_to_try(error)}."
            ) from None
        return Replaced(True, backup)
    raise CourseError(
        f"lessons/{unit.filename} kept changing while it was being replaced (is an editor saving "
        f"it?), so it was left as it is: close it or pause autosave, then run `{again}` again."
    )


def discard(backup: Backup) -> None:
    """Remove a backup this command made for a change that then did not happen (never another
    command's: `save` gives each backup a name of its own)."""
    for path in (backup.file, backup.record):
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass


def all_backups(workspace: Workspace, unit: Lesson | None = None) -> list[Backup]:
    """Backups of one lesson (or of every lesson), oldest first."""
    units = [unit] if unit else list(LESSONS.values())
    found = []
    for each in units:
        where = folder(workspace, each)
        if not where.is_dir():
            continue
        stamps = {path.stem for path in where.iterdir() if path.suffix in {".py", ".json"}}
        found += [Backup(each, s, where / f"{s}.py", where / f"{s}.json") for s in stamps]
    return sorted(found, key=lambda backup: (backup.lesson.number, backup.sort_key))


def find(workspace: Workspace, unit: Lesson, stamp: str | None) -> Backup:
    """The backup `stamp` of `unit` (the latest when None); CourseError if there is none."""
    backups = all_backups(workspace, unit)
    if not backups:
        raise CourseError(
            f"there are no backups of lesson {unit.number} yet (`mnist-course reset "
            f"{unit.number}` makes one before it replaces your file)."
        )
    if stamp is None:
        return backups[-1]
    for backup in backups:
        if backup.stamp == stamp:
            return backup
    known = ", ".join(backup.stamp for backup in backups)
    raise CourseError(f"lesson {unit.number} has no backup {stamp}: its backups are {known}.")
