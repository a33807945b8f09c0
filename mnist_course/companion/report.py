"""`mnist-course report [--json] [--lessons DIR]`: grade a submission, for an instructor.

Grading is isolated (see `mnist_course.grading`): every lesson's code runs in a worker
process of its own while this course's own checks, conftest, configuration and plugins
judge what it returns. Nothing from the graded folder but its lesson files is read: a
submission's `checks/`, `conftest.py` or `pyproject.toml` change nothing. The checks' inputs
are drawn from a seed, recorded in the report with a digest of the checks that graded it and
the course version, so a grade can be reproduced (`--check-seed`). A lesson earns its points
when all its checks pass. No process the learner's code started outlives the report.

`--json` prints a document that `report.schema.json` (beside this file) describes; its
`version` changes whenever a field changes meaning or goes away. The engines that consume it
(Classroom 50, GitHub Actions, JupyterHub) are in `mnist_course.grading.engines`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
import sys
import sysconfig
import tempfile
from importlib import metadata, resources
from pathlib import Path

from rich.console import Console
from rich.table import Table

import mnist_course
from mnist_course import __version__
from mnist_course.check_support.safe_text import printable
from mnist_course.companion import terminal
from mnist_course.companion.progress import LessonProgress, first_line, measure
from mnist_course.companion.runner import DEFAULT_LIMIT, CheckRun, Grading, LessonResults
from mnist_course.course.workspace import Workspace, relative
from mnist_course.course import LESSONS, CourseError

SCHEMA_VERSION = 2
SCHEMA_FILE = "report.schema.json"
# Points a lesson earns when every one of its checks passes; the engines' max-score for each
# lesson is the same number (`grading.engines`).
LESSON_POINTS = {number: 10 for number in LESSONS}


def schema() -> dict:
    """The JSON Schema of `mnist-course report --json`."""
    text = resources.files("mnist_course.companion").joinpath(SCHEMA_FILE).read_text("utf-8")
    return json.loads(text)


def function_rows(workspace: Workspace, results: LessonResults) -> list[dict]:
    """Each learner function of the lesson: how many checks failed on it, and the first message."""
    rows = []
    # No check passed and some failed naming no function: the file itself did not load (a
    # syntax error, not UTF-8). Then no function of it passes: each has those failures.
    unloaded = [] if results.passed else [bad for bad in results.failures if not bad.function]
    for name in workspace.functions(results.lesson):
        failures = [result for result in results.failures if result.function == name] or unloaded
        if not failures:
            status = "passing"
        elif all(result.stub for result in failures):
            status = "not written"
        else:
            status = "failing"
        rows.append(
            {
                "name": name,
                "status": status,
                "failed_checks": len(failures),
                "first_message": failures[0].message if failures else None,
            }
        )
    return rows


def lesson_document(workspace: Workspace, row: LessonProgress, results: LessonResults) -> dict:
    points = LESSON_POINTS[row.number]
    stuck = results.timed_out
    return {
        "number": row.number,
        "title": row.title,
        "check_command": row.check_command,
        "status": row.status,
        "passed": row.passed,
        "total": row.total,
        "points": points if results.all_pass else 0,
        "max_points": points,
        "time_limit": None
        if stuck is None
        else {"check": stuck.check, "function": stuck.function, "where": stuck.where, "seconds": stuck.seconds},
        "collect_errors": list(results.collect_errors),
        "functions": function_rows(workspace, results),
        "checks": [
            {
                "id": result.nodeid,
                "outcome": result.outcome,
                "function": result.function,
                "message": result.message or None,
            }
            for result in results.results
        ],
    }


# What judges a submission: the checks and the course code around them, the data they read
# (MNIST, and what the checks computed from it once and keep in .course/cache), and the Python
# and libraries that ran them. Their digest is in every report, so two reports graded by the
# same judge on the same inputs say so.
JUDGE_FILES = ("checks/**/*.py", "solutions/*.py", "hints.toml", "pyproject.toml",
               "mnist_course/**/*.py", "mnist_course/**/*.json")
JUDGE_LIBRARIES = ("keras", "tensorflow", "tensorflow-cpu", "numpy", "scikit-learn", "pandas",
                   "opencv-python-headless", "pillow", "pytest")


def judge_files(workspace: Workspace) -> list[Path]:
    return sorted({path for pattern in JUDGE_FILES for path in workspace.root.glob(pattern)
                   if path.is_file() and "__pycache__" not in path.parts})


def files_digest(workspace: Workspace, paths: list[Path]):
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(workspace.root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest


def checks_digest(workspace: Workspace) -> str:
    digest = files_digest(workspace, judge_files(workspace)
                          + sorted(path for path in workspace.check_cache.glob("*") if path.is_file()))
    for path in data_files(workspace):
        try:
            digest.update(b"mnist\0" + hashlib.sha256(path.read_bytes()).digest())
        except OSError:  # Keras' copy, not there yet: the checks downloaded nothing either
            pass
    digest.update(f"python {sys.version}\0".encode())
    for name in JUDGE_LIBRARIES:
        try:
            digest.update(f"{name} {metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            pass
    return "sha256:" + digest.hexdigest()


def report_document(
    workspace: Workspace, rows: list[LessonProgress], run: CheckRun, limit: float | None,
    lessons_dir: Path, seed: int, separate: bool = False,
) -> dict:
    lessons = [lesson_document(workspace, row, run.lessons[row.number]) for row in rows]
    return {
        "schema": "mnist-course-report",
        "version": SCHEMA_VERSION,
        "course_version": __version__,
        "checks_digest": checks_digest(workspace),
        "check_seed": seed,
        "lessons_dir": str(lessons_dir),
        "isolated": True,
        "learner_user": "separate" if separate else "same",
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(run.seconds, 1),
        "lesson_time_limit": limit,
        "points": sum(lesson["points"] for lesson in lessons),
        "max_points": sum(lesson["max_points"] for lesson in lessons),
        "lessons": lessons,
    }


def render(document: dict, console: Console) -> None:
    table = Table(title="Check report", title_justify="left")
    for column, justify in [("Lesson", "left"), ("Title", "left"), ("Checks", "right"),
                            ("Points", "right"), ("Status", "left")]:
        table.add_column(column, justify=justify, overflow="fold")  # narrow terminals: folded, never cut
    for lesson in document["lessons"]:
        table.add_row(
            lesson["number"], lesson["title"], f"{lesson['passed']}/{lesson['total']}",
            f"{lesson['points']}/{lesson['max_points']}", lesson["status"],
        )
    console.print(table)
    console.print(
        f"Points: {document['points']} of {document['max_points']} ({document['seconds']:.0f} s).",
        highlight=False,
    )
    console.print(
        f"Graded {printable(document['lessons_dir'], keep_newlines=False)} with mnist-course {document['course_version']}, checks "
        f"{document['checks_digest'][:19]}..., seed {document['check_seed']} (--check-seed repeats it).",
        highlight=False, markup=False,
    )
    for lesson in document["lessons"]:
        for error in lesson["collect_errors"][:1]:
            console.print(f"{lesson['number']} cannot check: {first_line(error)}", markup=False, highlight=False)
        for function in lesson["functions"]:
            failed = function["failed_checks"]
            if function["status"] == "not written":
                line = f"not written yet ({failed} check{'s wait' if failed != 1 else ' waits'} for it)"
            elif function["first_message"]:
                line = f"{failed} failed: {first_line(function['first_message'])}"
            else:
                continue
            console.print(f"{lesson['number']} {function['name']}() {line}", markup=False, highlight=False)


def grade(workspace: Workspace, lessons_dir: Path, console: Console, limit: float | None = DEFAULT_LIMIT,
          seed: int | None = None, same_user: bool = False) -> dict:
    """Grade the lesson files in `lessons_dir` with this course's checks: the report document."""
    from mnist_course.grading.processes import (
        WORKER_USER_ENV, become_subreaper, end_descendants, end_user, graded_as_root, hide_from_workers,
        separate_user,
    )

    if not lessons_dir.is_dir():
        what = "is a file, not a folder" if lessons_dir.is_file() else "no such folder"
        raise CourseError(f"--lessons {lessons_dir}: {what} (give the folder that holds "
                          "the submission's lesson_01_load.py ... lesson_08_cnn.py).")
    for folder in (lessons_dir, Path(os.path.abspath(lessons_dir)).parent):
        if folder.is_symlink():  # a submission's `lessons -> /proc/self/cwd/solutions` graded the reference
            raise CourseError(
                f"--lessons {lessons_dir}: {folder} is a link (to {os.readlink(folder)}), and a "
                "submission's own folders are graded only as themselves: a link could lead anywhere "
                "the grader can read, such as the course's solutions/ or another learner's work. "
                "Give the folder itself, if it is yours to grade."
            )
    if not any((lessons_dir / unit.filename).exists() for unit in LESSONS.values()):
        # Still a grade (a submission of nothing scores 0), but a mistyped folder should not
        # pass for one: said on stderr, so the JSON on stdout stays whole.
        print(f"warning: {lessons_dir} holds none of the lesson files (lesson_01_load.py ... "
              "lesson_08_cnn.py): every lesson is graded as not started.",
              file=sys.stderr, flush=True)
    seed = int.from_bytes(os.urandom(3), "big") if seed is None else seed
    become_subreaper()
    hide_from_workers()
    with tempfile.TemporaryDirectory(prefix="mnist-course-submission-") as scratch:
        graded = submission_copy(lessons_dir, Path(scratch) / "lessons")
        # What a worker reads: the lessons, the data, Python and its packages, and the files of the
        # course a check may hand a lesson function (its example photos). Nothing else of the course.
        needed = [graded, *graded.iterdir(), *data_files(workspace), Path(sys.executable),
                  Path(mnist_course.__file__).parent, *map(Path, sysconfig.get_paths().values()),
                  *workspace.root.glob("examples/*")]
        # The course being graded with, and the one the package was installed from (an editable
        # install of another checkout): each has a solutions/ a worker must not read.
        courses = {workspace.root.resolve(), Path(mnist_course.__file__).resolve().parent.parent}
        courses = [root for root in sorted(courses) if (root / "solutions").is_dir()]
        as_root = graded_as_root()
        if as_root:
            for root in courses:
                keep_course_from_workers(root, needed)
        secret = [root / "solutions" / unit.filename for root in courses for unit in LESSONS.values()]
        uid, why_not = separate_user(needed, secret=secret)
        if uid is None and as_root and not same_user:
            raise CourseError(
                f"not graded: the learner's code would run as root, since it cannot run as a user of its "
                f"own here ({why_not}). Make that readable by other users (or not, for the course's "
                "solutions), or pass --same-user to grade anyway with the learner's code as root.")
        if uid is None:
            print(f"warning: the learner's code runs as the user grading it ({why_not}), so it can reach "
                  "this grade's own files and processes: grade as root (in a container, or with sudo) "
                  "and it runs as a user of its own.", file=sys.stderr, flush=True)  # fmt: skip
        else:
            os.environ[WORKER_USER_ENV] = str(uid)  # the zygotes and graders started below take it
            only_for(graded, uid)  # other grades' workers (other users) cannot read this submission
        judge = files_digest(workspace, judge_files(workspace)).hexdigest()
        try:
            rows, run = measure(workspace, console, limit, impl=graded, grading=Grading(seed))
        finally:
            os.environ.pop(WORKER_USER_ENV, None)
            end_descendants()
            if uid is not None:
                end_user(uid)  # whatever the learner's code started, in or out of our sight
        if files_digest(workspace, judge_files(workspace)).hexdigest() != judge:
            # Only the grading user's own code can write them: the learner's, with --same-user
            # (a probe's lesson rewrote checks/conftest.py to pass every check, then put it back).
            raise CourseError(
                "not graded: the course's checks or package changed while this submission was graded. "
                "With --same-user the learner's code can write them; grade as root, where it runs as "
                "a user of its own and cannot.")
        document = report_document(workspace, rows, run, limit, lessons_dir, seed, separate=uid is not None)
        # Messages name the files graded: the submission's, wherever they were copied to.
        return renamed(document, str(graded), relative(lessons_dir.resolve(), workspace.root))


def renamed(value, old: str, new: str):
    """`value` (the report document) with `old` written `new` in every string in it."""
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, list):
        return [renamed(item, old, new) for item in value]
    if isinstance(value, dict):
        return {key: renamed(item, old, new) for key, item in value.items()}
    return value


MOST_LESSON_BYTES = 1_000_000  # a lesson file is a few kilobytes; a sparse 20 GB file is an attack


def _open_submission(lessons_dir: Path) -> int:
    """The lessons folder, opened as the folder it is now: the submission folder above it is
    opened without following a link, and the lessons folder inside that one the same way, so
    neither can be swapped for a link between a look and the read (a probe's learner swapped
    the submission folder for a link to another learner's, every 0.7 ms, and was graded on
    their files one time in six)."""
    where = Path(os.path.abspath(lessons_dir))
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_NOFOLLOW
    parent = None
    try:
        parent = os.open(where.parent, flags)
        return os.open(where.name, flags, dir_fd=parent)
    except OSError as error:  # a link now, where there was a folder a moment ago
        raise CourseError(f"--lessons {lessons_dir} cannot be opened as a folder of its own "
                          f"({error.strerror or error}): give the folder itself.") from None
    finally:
        if parent is not None:
            os.close(parent)


def submission_copy(lessons_dir: Path, copy: Path) -> Path:
    """The submission's lesson files, copied into `copy`, a folder of the grader's: the files
    graded are the ones there when grading began, and a link is never followed (into the
    grader's own solutions/, say), not even one swapped in while the copy is made: each file is
    opened without following links (O_NOFOLLOW, inside the folder opened the same way) and
    checked from what was opened. A folder where a lesson file should be stays a folder."""
    copy.mkdir(mode=0o755)
    copy.parent.chmod(0o755)  # a worker of its own user must be able to read them

    def skipped(source: Path, why: str) -> None:
        print(f"warning: {printable(str(source), keep_newlines=False)} {why}: not graded.", file=sys.stderr, flush=True)

    nofollow = getattr(os, "O_NOFOLLOW", 0)
    folder = _open_submission(lessons_dir) if os.open in os.supports_dir_fd else None
    try:
        for unit in LESSONS.values():
            source = lessons_dir / unit.filename
            try:
                opened = os.open(unit.filename if folder is not None else source,
                                 os.O_RDONLY | nofollow | getattr(os, "O_NONBLOCK", 0), dir_fd=folder)
            except FileNotFoundError:
                continue
            except OSError as error:
                if source.is_symlink():
                    skipped(source, "is a link, not a file of the submission's own")
                elif source.is_dir():
                    (copy / unit.filename).mkdir(mode=0o755)
                else:
                    skipped(source, f"cannot be read ({error.strerror or error})")
                continue
            found = os.fstat(opened)
            if not stat.S_ISREG(found.st_mode):
                os.close(opened)
                if stat.S_ISDIR(found.st_mode):
                    (copy / unit.filename).mkdir(mode=0o755)
                else:
                    skipped(source, "is not a regular file")
                continue
            with os.fdopen(opened, "rb") as file:
                if found.st_size > MOST_LESSON_BYTES:
                    skipped(source, f"is {found.st_size:,} bytes, more than a lesson file can be "
                                    f"({MOST_LESSON_BYTES:,})")
                    continue
                try:
                    text = file.read(MOST_LESSON_BYTES + 1)
                except OSError as error:
                    skipped(source, f"cannot be read ({error.strerror or error})")
                    continue
            if len(text) > MOST_LESSON_BYTES:  # it grew while being read
                skipped(source, f"is more than a lesson file can be ({MOST_LESSON_BYTES:,} bytes)")
                continue
            target = copy / unit.filename
            target.write_bytes(text)
            target.chmod(0o644)
    finally:
        if folder is not None:
            os.close(folder)
    return copy


def keep_course_from_workers(root: Path, needed: list[Path]) -> None:
    """Make every top-level entry of the course that no worker needs (solutions/, checks/,
    hints.toml, .git, .course ...) unreadable to other users, and the course folder unlistable:
    a lesson running as a user of its own could otherwise read the reference and pass with it.
    What the graders need (root reads anything) and what workers need stay as they are; said
    on stderr when something changed."""
    root = root.resolve()
    keep = set()
    for path in needed:
        for candidate in (Path(os.path.abspath(path)), Path(path).resolve()):
            if candidate.is_relative_to(root) and candidate != root:
                keep.add(candidate.relative_to(root).parts[0])
    changed = []
    for entry in sorted(root.iterdir()):
        if entry.name in keep or entry.is_symlink():  # chmod would change a link's target
            continue
        mode = stat.S_IMODE(entry.lstat().st_mode)
        if mode & 0o007:
            entry.chmod(mode & ~0o007)
            changed.append(entry.name + ("/" if entry.is_dir() else ""))
    mode = stat.S_IMODE(root.stat().st_mode)
    if mode & 0o006:
        root.chmod(mode & ~0o006)  # others may pass through it to what they need, not list it
    if changed:
        print(f"note: other users can no longer read {', '.join(changed)} of the course (chmod o-rwx): the "
              "learner's code runs as a user of its own and must not read the reference or the checks.",
              file=sys.stderr, flush=True)


def only_for(graded: Path, uid: int) -> None:
    """The submission's copy, readable by its workers' user alone (and root)."""
    for path in [*graded.iterdir(), graded]:
        os.chown(path, uid, uid, follow_symlinks=False)
        path.chmod(0o500 if path.is_dir() else 0o400)
    graded.parent.chmod(0o711)


def data_files(workspace: Workspace) -> list[Path]:
    """The MNIST files a learner's lesson 01 may be pointed at while graded."""
    from mnist_course.training.data import chosen_file, keras_cache_candidates

    chosen, _ = chosen_file(workspace.root)
    return [chosen] if chosen is not None else [path for path in keras_cache_candidates() if path.exists()]


def show_report(as_json: bool = False, limit: float | None = DEFAULT_LIMIT, lessons: Path | None = None,
                seed: int | None = None, same_user: bool = False) -> None:
    workspace = Workspace.here()
    out = terminal.console()
    document = grade(workspace, Path(lessons) if lessons else workspace.lessons,
                     terminal.console(stderr=True) if as_json else out, limit, seed, same_user)
    if as_json:
        print(json.dumps(document, indent=2))
        return
    render(document, out)
