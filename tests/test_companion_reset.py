"""`mnist-course reset`: back up, restore the stub, list and restore backups; never lose work."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from companion_course import ROOT, assert_refused, copy_course, mnist_course, snapshot, solve

from mnist_course.companion import backups
from mnist_course.course import lesson
from mnist_course.course.workspace import Workspace

LESSON = "lessons/lesson_02_prepare.py"


@pytest.fixture
def course(tmp_path):
    return copy_course(tmp_path / "course")


def stamp_in(output: str) -> str:
    return re.search(r"--restore (\S+)", output).group(1)


def test_reset_round_trip_loses_nothing(course):
    stub = (course / LESSON).read_text()
    solve(course, "02", ["normalize"])
    work = (course / LESSON).read_text() + "# my own notes\n"
    (course / LESSON).write_text(work)

    reset = mnist_course(course, "reset", "02")
    assert reset.returncode == 0, reset.stderr
    assert (course / LESSON).read_text() == stub
    stamp = stamp_in(reset.stdout)
    backup = course / ".course" / "backups" / "lesson_02" / f"{stamp}.py"
    assert f".course/backups/lesson_02/{stamp}.py" in reset.stdout
    assert backup.read_text() == work
    record = json.loads(backup.with_suffix(".json").read_text())
    assert record["file"] == LESSON and record["bytes"] == len(work.encode())

    listing = mnist_course(course, "reset", "--list")
    assert listing.returncode == 0
    assert re.search(rf"02\s.*{stamp}\s.*ok", listing.stdout), listing.stdout
    # On a terminal too narrow for the table each backup is one plain line: no column is
    # cut short ("2026…", "4…") or folded, so the stamp and size can be read and copied whole.
    for width in ("40", "20"):
        narrow = mnist_course(course, "reset", "--list", COLUMNS=width)
        assert narrow.returncode == 0 and "…" not in narrow.stdout, narrow.stdout
        assert re.search(rf"^02  {stamp}  \d+ B  ok$", narrow.stdout, re.M), narrow.stdout

    # The learner starts again, writes a little, then wants the old work back: the new
    # attempt is backed up too before the restore replaces it.
    solve(course, "02", ["validate_shapes"])
    second_try = (course / LESSON).read_text()
    restore = mnist_course(course, "reset", "02", "--restore", stamp)
    assert restore.returncode == 0, restore.stderr
    assert (course / LESSON).read_text() == work
    assert f"Restored {LESSON} from backup {stamp}" in restore.stdout
    saved = sorted((course / ".course" / "backups" / "lesson_02").glob("*.py"))
    assert [path.read_text() for path in saved] == [work, second_try]

    # And that one can come back as well: --restore alone takes the latest backup.
    latest = mnist_course(course, "reset", "02", "--restore")
    assert latest.returncode == 0, latest.stderr
    assert (course / LESSON).read_text() == second_try


def test_reset_of_an_untouched_stub_makes_no_backup(course):
    run = mnist_course(course, "reset", "2")
    assert run.returncode == 0
    assert "already a fresh stub" in run.stdout
    assert not (course / ".course").exists()


def test_reset_recreates_a_deleted_lesson_file(course):
    stub = (course / LESSON).read_text()
    (course / LESSON).unlink()
    run = mnist_course(course, "reset", "02")
    assert run.returncode == 0, run.stderr
    assert (course / LESSON).read_text() == stub
    assert "Backed up" not in run.stdout


def test_two_resets_in_one_second_keep_both_backups(course):
    stamps = []
    for attempt in ("first", "second"):
        (course / LESSON).write_text(f"# {attempt} attempt\n")
        run = mnist_course(course, "reset", "02")
        assert run.returncode == 0, run.stderr
        stamps.append(stamp_in(run.stdout))
    assert stamps[0] != stamps[1]
    folder = course / ".course" / "backups" / "lesson_02"
    assert {path.read_text() for path in folder.glob("*.py")} == {"# first attempt\n", "# second attempt\n"}


class OneSecond(dt.datetime):
    """A clock that never moves: every backup is made in the same second."""

    @classmethod
    def now(cls, tz=None):
        return cls(2025, 3, 1, 14, 25, 1)


def while_writing_under(folder: Path, monkeypatch, other) -> None:
    """Run `other()` once, whole, as a backup's first file or folder under `folder` is about to
    be made: the moment two commands started together both have chosen a name and neither has
    written it."""
    mkstemp, mkdir, started = tempfile.mkstemp, Path.mkdir, []

    def first_write(under: Path) -> None:
        if not started and under.is_relative_to(folder):
            started.append(True)
            other()

    def interrupted_mkstemp(*args, dir=None, **kwargs):
        first_write(Path(dir or "/"))
        return mkstemp(*args, dir=dir, **kwargs)

    def interrupted_mkdir(self, *args, **kwargs):
        if self != folder:
            first_write(self)
        return mkdir(self, *args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", interrupted_mkstemp)
    monkeypatch.setattr(Path, "mkdir", interrupted_mkdir)
    monkeypatch.setattr(backups, "dt", SimpleNamespace(datetime=OneSecond))


def test_two_resets_at_once_keep_the_backup_of_the_one_that_replaced_the_file(course, monkeypatch):
    # Both read the learner's work and back it up in the same second; the other one replaces
    # the file first, so this one finds it changed and drops its own backup, never the other's.
    workspace, unit = Workspace(course), lesson("02")
    (course / LESSON).write_text("# my work\n")
    stub = workspace.stub_text(unit).encode()
    theirs = []
    while_writing_under(backups.folder(workspace, unit), monkeypatch, lambda: theirs.append(
        backups.replace_lesson(workspace, unit, lambda current: stub, "mnist-course reset 02")))

    mine = backups.replace_lesson(workspace, unit, lambda current: stub, "mnist-course reset 02")

    assert not mine.done and theirs[0].done
    assert (course / LESSON).read_bytes() == stub
    told = theirs[0].backup.stamp  # what `reset` told the learner to --restore
    assert backups.find(workspace, unit, told).read() == b"# my work\n"
    assert [backup.stamp for backup in backups.all_backups(workspace, unit)] == [told]


def test_two_file_backups_at_once_each_keep_their_own_files(course, monkeypatch):
    workspace = Workspace(course)
    (course / "notes.md").write_text("my notes\n")
    (course / "scratch.py").write_text("# my script\n")
    theirs = []
    while_writing_under(workspace.backups / "files", monkeypatch, lambda: theirs.append(
        backups.save_files(workspace, ["scratch.py"], "their update")))

    mine = backups.save_files(workspace, ["notes.md"], "my update")

    assert mine != theirs[0]
    for kept, name, text in ((mine, "notes.md", "my notes\n"),
                             (theirs[0], "scratch.py", "# my script\n")):
        assert (kept / name).read_text() == text
        assert list(json.loads(kept.with_suffix(".json").read_text())["sha256"]) == [name]


def test_a_damaged_backup_is_never_restored(course):
    (course / LESSON).write_text("# my work\n")
    stamp = stamp_in(mnist_course(course, "reset", "02").stdout)
    backup = course / ".course" / "backups" / "lesson_02" / f"{stamp}.py"
    backup.write_text("# my wo")  # truncated, as by a full disk or a careless edit
    (course / LESSON).write_text("# newer work\n")
    before = snapshot(course)

    run = mnist_course(course, "reset", "02", "--restore", stamp)
    assert_refused(run, "damaged", stamp)
    assert snapshot(course) == before

    listing = mnist_course(course, "reset", "--list", "02")
    assert re.search(rf"{stamp}.*damaged", listing.stdout), listing.stdout


def test_a_backup_without_its_record_is_damaged(course):
    (course / LESSON).write_text("# my work\n")
    stamp = stamp_in(mnist_course(course, "reset", "02").stdout)
    (course / ".course" / "backups" / "lesson_02" / f"{stamp}.json").unlink()
    before = snapshot(course)
    assert_refused(mnist_course(course, "reset", "02", "--restore"), "damaged")
    assert snapshot(course) == before


@pytest.mark.parametrize(
    "args, words",
    [
        (["reset", "99"], ["no lesson 99"]),
        (["reset", "two"], ["no lesson two"]),
        (["reset"], ["which lesson"]),
        (["reset", "--restore"], ["which lesson to restore", "reset 02 --restore"]),
        (["reset", "02", "20250101-000000"], ["--restore"]),
        (["reset", "02", "--restore", "20250101-000000"], ["no backups"]),
        (["reset", "--list", "--restore"], ["--list"]),
        (["reset", "--list", "42"], ["no lesson 42"]),
    ],
)
def test_bad_input_changes_nothing(course, args, words):
    (course / LESSON).write_text("# my work\n")
    before = snapshot(course)
    assert_refused(mnist_course(course, *args), *words)
    assert snapshot(course) == before


def test_an_unknown_stamp_lists_the_known_ones(course):
    (course / LESSON).write_text("# my work\n")
    stamp = stamp_in(mnist_course(course, "reset", "02").stdout)
    before = snapshot(course)
    assert_refused(mnist_course(course, "reset", "02", "--restore", "1999"), "1999", stamp)
    assert snapshot(course) == before


def test_a_missing_solution_is_a_one_line_error(course):
    (course / "solutions" / "lesson_02_prepare.py").unlink()
    (course / LESSON).write_text("# my work\n")
    before = snapshot(course)
    assert_refused(mnist_course(course, "reset", "02"), "solutions/lesson_02_prepare.py")
    assert snapshot(course) == before


def test_outside_a_course_folder(tmp_path):
    assert_refused(mnist_course(tmp_path, "reset", "02"), "not inside the mnist-course folder")
    assert list(tmp_path.iterdir()) == []


def test_backups_are_git_ignored():
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", ".course/backups/lesson_02/20250101-000000.py"], cwd=ROOT
    )
    assert ignored.returncode == 0
