"""`mnist-course progress`: where the learner is, and the next thing to do.

Runs every lesson's checks in one child pytest (see `runner`), with a progress bar while
it runs, then shows one row per lesson: checks passed/total, status, the first failing
function, and below the table the next step with its check and hint commands.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from mnist_course.training import data
from mnist_course.companion import terminal
from mnist_course.companion.runner import DEFAULT_LIMIT, CheckRun, Grading, LessonResults, run_checks
from mnist_course.course.workspace import Workspace, lesson_text
from mnist_course.course import LESSONS, CourseError

DONE, IN_PROGRESS, NOT_STARTED, CANNOT_CHECK = "done", "in progress", "not started", "cannot check"
STYLE = {DONE: "green", IN_PROGRESS: "yellow", NOT_STARTED: "dim", CANNOT_CHECK: "red"}


@dataclass
class LessonProgress:
    number: str
    title: str
    passed: int
    total: int
    status: str
    next_function: str | None  # the first function to fix, when known
    next_message: str  # the teaching message of the first failure ("" when done)
    check_command: str
    next_details: list[str] = field(default_factory=list)  # what happened, without pointers

    @property
    def next_step(self) -> str:
        if self.status == DONE:
            return ""
        if self.next_function:
            return f"{self.next_function}()"
        return first_line(self.next_message)


def first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    # The teaching reports start with a "Lesson 02 · ..." header; the line after says why.
    if len(lines) > 1 and lines[0].startswith("Lesson "):
        return lines[1]
    return lines[0] if lines else ""


def summarise(workspace: Workspace, results: LessonResults, impl: Path | None = None) -> LessonProgress:
    unit = results.lesson
    functions = workspace.functions(unit)
    check_command = f"pytest {unit.checks}"
    if results.collect_errors:
        return LessonProgress(
            unit.number, unit.title, results.passed, results.total, CANNOT_CHECK, None,
            results.collect_errors[0], check_command,
        )
    if results.all_pass:
        return LessonProgress(
            unit.number, unit.title, results.passed, results.total, DONE, None, "", check_command
        )
    first = results.first_failure(functions)
    untouched = _not_started(workspace, unit, impl) or (
        results.passed == 0 and all(result.stub for result in results.failures)
    )
    return LessonProgress(
        unit.number,
        unit.title,
        results.passed,
        results.total,
        NOT_STARTED if untouched else IN_PROGRESS,
        first.function if first else None,
        first.message if first else "no checks ran",
        check_command,
        first.check.body() if first and first.check else [],
    )


def _not_started(workspace: Workspace, unit, impl: Path | None = None) -> bool:
    """The lesson file is the fresh stub, or not there at all (a submission without it)."""
    path = (impl if impl is not None else workspace.lessons) / unit.filename
    if not os.path.lexists(path):
        return True
    try:
        mine = lesson_text((impl / unit.filename).read_bytes()) if impl is not None else workspace.learner_source(unit)
    except (OSError, CourseError, UnicodeDecodeError):  # missing, unreadable or not UTF-8: not a fresh stub
        return False
    return mine == workspace.stub_text(unit)


def measure(
    workspace: Workspace, console: Console, limit: float | None = DEFAULT_LIMIT,
    impl: Path | None = None, grading: Grading | None = None,
) -> tuple[list[LessonProgress], CheckRun]:
    """Run every lesson's checks with a progress bar on `console`; summarise each lesson.

    `limit`: seconds each lesson's checks may take (see `runner`). Ctrl-C stops the checks
    and raises KeyboardInterrupt once the child is gone. `impl` and `grading`: the lesson
    files to check instead of lessons/, and how (see `runner.run_checks`).
    """
    lessons = list(LESSONS.values())
    for unit in lessons:  # every "missing" error before the (slow) run starts
        workspace.checks_folder(unit)
        workspace.solution_file(unit)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        # Not on a terminal (`progress | head -1`, a log), the bar would leave an empty first line.
        disable=not console.is_terminal,
    )
    with bar:
        task = bar.add_task("Starting the checks (TensorFlow takes a few seconds)", total=None)

        def collected(total: int) -> None:
            bar.update(task, total=total, description="Running the checks")

        def advanced(result) -> None:
            bar.update(task, advance=1, description=f"Lesson {result.lesson}")

        run = run_checks(workspace, lessons, on_collected=collected, on_result=advanced, limit=limit,
                         impl=impl, grading=grading)
    return [summarise(workspace, run.lessons[unit.number], impl) for unit in lessons], run


def render(rows: list[LessonProgress], seconds: float, console: Console) -> None:
    table = Table(title="Your progress", title_justify="left")
    table.add_column("Lesson")
    table.add_column("Title", overflow="fold")
    table.add_column("Checks", justify="right")
    table.add_column("Status")
    table.add_column("Next", overflow="fold")  # a function name is never cut short
    cells = [(row.number, row.title, f"{row.passed}/{row.total}", row.status, row.next_step)
             for row in rows]
    for row, (number, title, checks, status, next_step) in zip(rows, cells):
        table.add_row(number, title, checks, Text(status, style=STYLE[row.status]), next_step)
    terminal.print_table(console, table, cells)
    done = sum(row.status == DONE for row in rows)
    console.print(f"{done} of {len(rows)} lessons done ({seconds:.0f} s).")
    upcoming = next((row for row in rows if row.status != DONE), None)
    if upcoming is None:
        console.print(
            "[green]Every lesson passes its checks.[/green] Compare your code with the "
            "reference (`mnist-course compare NN`) and train your model (`mnist-course train`)."
        )
        return
    unit = LESSONS[upcoming.number]
    what = f"{upcoming.next_function}()" if upcoming.next_function else "the first failing check"
    # Paths and commands soft-wrapped: the terminal wraps them, so they stay one to copy.
    console.print(
        f"Next: [bold]{unit.label} · {what}[/bold] in lessons/{unit.filename}",
        highlight=False, soft_wrap=True,
    )
    for line in (upcoming.next_details or first_lines(upcoming.next_message))[:4]:
        console.print(f"    {line}", highlight=False, markup=False)
    console.print(f"  check: {upcoming.check_command}", highlight=False, markup=False,
                  soft_wrap=True)
    hint = f"mnist-course hint {unit.number}"
    if upcoming.next_function:
        hint += f" {upcoming.next_function}"
    console.print(f"  stuck? {hint}", highlight=False, markup=False, soft_wrap=True)


def first_lines(message: str) -> list[str]:
    """A message the checks did not classify (a broken check file): its lines after the header."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    return lines[1:] if lines and lines[0].startswith("Lesson ") else lines


def show_progress(as_json: bool = False, limit: float | None = DEFAULT_LIMIT) -> None:
    workspace = Workspace.here()
    data.require(workspace.root)  # no MNIST: say so first, not as lessons 02-08 "in progress"
    out = terminal.console()
    # The bar goes to stdout: the CLI routes stderr through a line filter (see quiet.py), so
    # stderr is never a terminal. With --json, stdout is for the JSON alone.
    rows, run = measure(workspace, terminal.console(stderr=True) if as_json else out, limit)
    if as_json:
        print(json.dumps({"seconds": round(run.seconds, 1), "lessons": [asdict(row) for row in rows]}, indent=2))
        return
    render(rows, run.seconds, out)
