"""`mnist-course report [--json]`: every lesson's check results, for an instructor or a grader.

The same run as `mnist-course progress` (one child pytest for every lesson, each lesson
under its time limit; see `runner`), told in full: every check's outcome, each learner
function's failures with the first teaching message, and points per lesson. A lesson
earns its points when all its checks pass, as the GitHub Classroom workflow
(`.github/workflows/classroom.yml`) scores it from `pytest checks/lesson_NN`'s exit code.

`--json` prints a document that `report.schema.json` (beside this file) describes; its
`version` changes whenever a field changes meaning or goes away.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

from rich.console import Console
from rich.table import Table

from mnist_course import __version__
from mnist_course.companion import terminal
from mnist_course.companion.progress import LessonProgress, first_line, interrupted, measure
from mnist_course.companion.runner import DEFAULT_LIMIT, CheckRun, LessonResults
from mnist_course.workspace import Workspace
from mnist_course.course import LESSONS

SCHEMA_VERSION = 1
SCHEMA_FILE = "report.schema.json"
# Points a lesson earns when every one of its checks passes; the classroom workflow's
# max-score for each lesson is the same number (a test keeps them equal).
LESSON_POINTS = {number: 10 for number in LESSONS}


def schema() -> dict:
    """The JSON Schema of `mnist-course report --json`."""
    text = resources.files("mnist_course.companion").joinpath(SCHEMA_FILE).read_text("utf-8")
    return json.loads(text)


def function_rows(workspace: Workspace, results: LessonResults) -> list[dict]:
    """Each learner function of the lesson: how many checks failed on it, and the first message."""
    rows = []
    for name in workspace.functions(results.lesson):
        failures = [result for result in results.failures if result.function == name]
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


def report_document(
    workspace: Workspace, rows: list[LessonProgress], run: CheckRun, limit: float | None
) -> dict:
    lessons = [lesson_document(workspace, row, run.lessons[row.number]) for row in rows]
    return {
        "schema": "mnist-course-report",
        "version": SCHEMA_VERSION,
        "course_version": __version__,
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
        table.add_column(column, justify=justify)
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


def show_report(as_json: bool = False, limit: float | None = DEFAULT_LIMIT) -> None:
    workspace = Workspace.here()
    out = terminal.console()
    try:
        rows, run = measure(workspace, terminal.console(stderr=True) if as_json else out, limit)
    except KeyboardInterrupt:
        raise interrupted() from None
    document = report_document(workspace, rows, run, limit)
    if as_json:
        print(json.dumps(document, indent=2))
        return
    render(document, out)
