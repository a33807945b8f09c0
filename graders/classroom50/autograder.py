"""Classroom 50 autograder for an mnist-course assignment.

Copy this file to `CLASSROOM/autograders/ASSIGNMENT/autograder.py` in your `classroom50`
repository and set COURSE_REF below to the course release your class uses. Classroom 50's
runner calls it once per submission, in the student's checkout; it

1. fetches the pinned course (COURSE_REPOSITORY at COURSE_REF) and installs it
   (`python3 bootstrap.py setup`): the checks that grade come from there, never from the
   student's repository;
2. grades the student's `lessons/` with `mnist-course report --json --lessons ...`: every
   lesson's code runs in a worker process of its own, out of the checks' reach;
3. writes `report.json` (the full report, worth attaching to the Release: `release_assets`)
   and `result.json`, one test per lesson worth its points, as the wiki page *Advanced
   Autograding* ("The `result.json` contract") specifies.

It exits 0 when grading ran (the score is in result.json) and non-zero only when the course
could not be fetched or installed, which Classroom 50 shows as an infrastructure error.

For a trial run on your machine: `MNIST_COURSE_HOME=/path/to/your/course/checkout` skips the
fetch and install and uses that course (with its `.venv`, or this Python).
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

COURSE_REPOSITORY = "https://github.com/mnist-course/mnist-course"
COURSE_REF = "main"  # pin a release tag for a term: the same checks grade every submission


def course_checkout() -> tuple[Path, str]:
    """The course to grade with, installed, and its Python."""
    home = os.environ.get("MNIST_COURSE_HOME")
    if home:
        course = Path(home).resolve()
        venv_python = course / ".venv" / "bin" / "python"
        return course, os.environ.get("MNIST_COURSE_PYTHON") or (str(venv_python) if venv_python.exists() else sys.executable)
    course = Path(tempfile.mkdtemp(prefix="mnist-course-")) / "course"
    # Graded as root, the learner's code runs as a user of its own, which must be able to pass
    # through to the course's package and Python (report keeps it out of the rest).
    course.parent.chmod(0o755)
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", "--branch", COURSE_REF, COURSE_REPOSITORY,
                    str(course)], check=True)
    subprocess.run([sys.executable, "bootstrap.py", "setup"], cwd=course, check=True)
    return course, str(course / ".venv" / "bin" / "python")


def main() -> int:
    submission = Path.cwd()
    course, python = course_checkout()
    lessons = submission / "lessons"
    if not lessons.is_dir():  # nothing handed in: every lesson scores 0, with the reason
        lessons = Path(tempfile.mkdtemp(prefix="no-lessons-"))
    report = new_file(submission, "report.json")
    with open(report, "w", encoding="utf-8") as out:
        graded = subprocess.run([python, "-m", "mnist_course.cli", "report", "--json", "--lessons", str(lessons)],
                                cwd=course, stdout=out)
    if graded.returncode != 0:
        report.unlink()
        print(f"::error::mnist-course report failed (exit {graded.returncode})", file=sys.stderr)
        return 1
    result = new_file(submission, "result.json")
    written = subprocess.run([python, "-m", "mnist_course.grading.engines", "classroom50", str(report),
                              str(result)], cwd=course).returncode
    for made, name in ((report, "report.json"), (result, "result.json")):
        os.replace(made, submission / name)  # over whatever had the name: a link is replaced, not followed
    return written


def new_file(folder: Path, name: str) -> Path:
    """A new, empty file in `folder` to write `name` into, then rename over it: a `name` the
    learner committed as a link (to a file of the runner's, or one a shell later sources)
    is never written through."""
    handle, path = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
    os.close(handle)
    return Path(path)


if __name__ == "__main__":
    sys.exit(main())
