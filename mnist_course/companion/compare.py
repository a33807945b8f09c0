"""`mnist-course compare NN`: the learner's functions next to the reference, as a diff.

Seeing the reference before one's own code works spoils the exercise, so unless
`--force` is given the lesson's checks run first and the comparison is refused while
any fails. Docstrings are left out of the diff (the stub copies them from the reference,
so they only add noise), and so are the reference's solution markers.
"""

from __future__ import annotations

import ast
import difflib

from rich.console import Console
from rich.table import Table
from rich.text import Text

from mnist_course.training import data
from mnist_course.companion import terminal
from mnist_course.companion.runner import run_checks
from mnist_course.course.workspace import Workspace, resolve_lesson
from mnist_course.course import CourseError, Lesson
from mnist_course.course.stubs import BEGIN, END, function_sources


def code_lines(source: str | None) -> list[str]:
    """A function's lines without its docstring and solution markers ([] when absent)."""
    if source is None:
        return []
    lines = source.splitlines()
    try:
        node = ast.parse(source).body[0]
    except (SyntaxError, IndexError):
        return lines
    body = getattr(node, "body", [])
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        first, last = body[0].lineno, body[0].end_lineno  # 1-based, within `source`
        lines = lines[: first - 1] + lines[last:]
    return [line for line in lines if line.strip() not in {BEGIN, END}]


def top_level_functions(source: str) -> list[str]:
    return [
        node.name
        for node in ast.parse(source).body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]


def ensure_checks_pass(workspace: Workspace, unit: Lesson, console: Console) -> None:
    workspace.checks_folder(unit)
    with console.status(f"Running the checks of lesson {unit.number} first..."):
        run = run_checks(workspace, [unit])
    results = run.lessons[unit.number]
    if not results.all_pass:
        failing = len(results.failures) + len(results.collect_errors)
        total = max(results.total, failing)
        raise CourseError(
            f"lesson {unit.number}'s checks do not pass yet ({failing} of {total} fail): the "
            "reference would spoil the exercise. Finish it first (`pytest "
            f"{unit.checks}`), or add --force to compare anyway."
        )


def unified(name: str, mine: list[str], reference: list[str], unit: Lesson) -> Text:
    text = Text()
    lines = list(
        difflib.unified_diff(
            mine,
            reference,
            fromfile=f"yours      lessons/{unit.filename} · {name}()",
            tofile=f"reference  solutions/{unit.filename} · {name}()",
            lineterm="",
        )
    )
    for line in lines:
        style = (
            "bold" if line.startswith(("---", "+++"))
            else "cyan" if line.startswith("@@")
            else "red" if line.startswith("-")
            else "green" if line.startswith("+")
            else ""
        )
        text.append(line + "\n", style=style)
    return text


def side_by_side(name: str, mine: list[str], reference: list[str]) -> Table:
    table = Table(title=f"{name}()", title_justify="left", expand=True, show_lines=False)
    table.add_column("yours", ratio=1, overflow="fold")
    table.add_column("reference", ratio=1, overflow="fold")
    matcher = difflib.SequenceMatcher(a=mine, b=reference, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        left, right = mine[a0:a1], reference[b0:b1]
        for index in range(max(len(left), len(right))):
            ours = left[index] if index < len(left) else ""
            theirs = right[index] if index < len(right) else ""
            if tag == "equal":
                table.add_row(Text(ours, style="dim"), Text(theirs, style="dim"))
            else:
                table.add_row(Text(ours, style="red"), Text(theirs, style="green"))
    return table


def compare(number: str, force: bool = False, wide: bool = False, console: Console | None = None) -> None:
    console = console or terminal.console()
    workspace = Workspace.here()
    unit = resolve_lesson(number)
    learner = workspace.learner_source(unit)
    reference = workspace.solution_source(unit)
    try:
        ast.parse(learner)
    except SyntaxError as error:
        raise CourseError(
            f"lessons/{unit.filename} line {error.lineno} has a syntax error ({error.msg}): "
            "fix it before comparing."
        ) from None
    if not force:
        if unit.number != "01":  # lesson 01's checks bring their own small files
            data.require(workspace.root)  # no MNIST: say so, not "checks fail"
        ensure_checks_pass(workspace, unit, console)
    else:
        console.print(
            "[yellow]--force: showing the reference even if your checks do not pass yet.[/yellow]"
        )

    same = 0
    functions = workspace.functions(unit)
    learners, references = function_sources(learner), function_sources(reference)  # one parse each
    for name in functions:
        mine = code_lines(learners.get(name))
        theirs = code_lines(references.get(name))
        if not mine:
            console.print(f"[bold]{name}()[/bold]: [red]missing from your file[/red]")
        if mine == theirs:
            same += 1
            console.print(f"[bold]{name}()[/bold]: [green]same as the reference[/green]")
            continue
        if wide:
            console.print(side_by_side(name, mine, theirs))
        else:
            console.print(unified(name, mine, theirs, unit), soft_wrap=True)  # code never wraps
    extra = [name for name in top_level_functions(learner) if name not in functions]
    if extra:
        console.print(f"Your file also defines {', '.join(f'{name}()' for name in extra)}.", markup=False)
    console.print(
        f"{same} of {len(functions)} functions match the reference line for line; "
        "a different solution that passes the checks is just as right.",
        markup=False,
    )
