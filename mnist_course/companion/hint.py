"""`mnist-course hint NN [FUNCTION]`: one more hint level each time it is asked.

The hints come from `hints.toml` (see `mnist_course.course.hints`), three levels per function: a
nudge, the idea, the API to use. How many levels a learner has seen is remembered per
function in `.course/hints.json`, so asking again goes one level deeper, and the levels
already seen are shown again above the new one.
"""

from __future__ import annotations

import ast
import json

from rich.console import Console
from rich.text import Text

from mnist_course.companion import terminal
from mnist_course.course.workspace import Workspace, resolve_lesson, write_atomically
from mnist_course.course import CourseError, Lesson
from mnist_course.course.hints import HINTS_FILE, hint_levels, load_hints
from mnist_course.training.model_files import describe_os_error
from mnist_course.course.stubs import STUB_PREFIX, function_sources

LEVEL_NAMES = ("a nudge", "the idea", "the API to use")


class HintState:
    """How many hint levels have been shown, per lesson and function."""

    def __init__(self, workspace: Workspace):
        self.path = workspace.hint_levels
        self.seen: dict[str, dict[str, int]] = self._read()

    def _read(self) -> dict:
        if not self.path.is_file():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except PermissionError:
            raise CourseError(
                f"{self.path} cannot be read (permission denied): give yourself read and write "
                f"access to it (chmod u+rw {self.path}); it holds how far each hint has gone."
            ) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            data = None
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise CourseError(
                f"{self.path} is damaged (not the JSON mnist-course wrote): delete it to "
                "start every hint from its first level again."
            )
        return data

    def shown(self, unit: Lesson, function: str) -> int:
        value = self.seen.get(f"lesson_{unit.number}", {}).get(function, 0)
        return value if isinstance(value, int) and value >= 0 else 0

    def remember(self, unit: Lesson, function: str, levels: int) -> None:
        self.seen.setdefault(f"lesson_{unit.number}", {})[function] = levels
        try:
            write_atomically(self.path, json.dumps(self.seen, indent=2, sort_keys=True) + "\n")
        except OSError as error:
            raise CourseError(
                f"the hint above was shown, but {self.path.name} could not remember it "
                f"({describe_os_error(error)}), so asking again shows the same level."
            ) from None


def unwritten_functions(workspace: Workspace, unit: Lesson) -> list[str]:
    """The lesson's functions that are still the generated stub in the learner's file."""
    functions = workspace.functions(unit)
    path = workspace.learner_file(unit)
    if not path.is_file():
        return functions
    try:
        bodies = function_sources(workspace.learner_source(unit))
    except SyntaxError:
        return []  # cannot tell which are written: let the learner name one
    return [name for name in functions if STUB_PREFIX in bodies.get(name, STUB_PREFIX)]


def give_hint(number: str, function: str | None = None, console: Console | None = None) -> None:
    console = console or terminal.console()
    workspace = Workspace.here()
    unit = resolve_lesson(number)
    functions = workspace.functions(unit)
    state = HintState(workspace)
    first_unwritten = False
    if function is None:
        waiting = unwritten_functions(workspace, unit)
        if not waiting:
            heading = f"Every function of {unit.label} is written. Hints for one of them:"
            problem = syntax_problem(workspace, unit)
            if problem:  # which functions are written cannot be told: say why, then list them all
                heading = f"{problem}: `pytest {unit.checks}` shows it. Hints for its functions:"
            _list_functions(console, unit, functions, state, heading)
            return
        function = waiting[0]
        first_unwritten = True
    elif function not in functions:
        raise CourseError(
            f"lesson {unit.number} has no function {function}(): its functions are "
            f"{', '.join(functions)}."
        )

    load_hints(workspace.root)  # a broken hints.toml is one line (HintsFileError), not "no hints"
    levels = hint_levels(workspace.root, unit.number, function)
    if not levels:
        raise CourseError(
            f"{HINTS_FILE} has no hints for lesson {unit.number} {function}() yet: "
            f"read its docstring in lessons/{unit.filename} and docs/{unit.page}."
        )
    showing = min(state.shown(unit, function) + 1, len(levels))
    if first_unwritten:
        console.print(f"The first function still to write in lesson {unit.number} is {function}().")
    console.print(f"[bold]{unit.label} · {function}()[/bold]")
    for index in range(showing):
        name = LEVEL_NAMES[index] if index < len(LEVEL_NAMES) else "more"
        style = "bold cyan" if index == showing - 1 else "dim"
        label = f"Hint {index + 1} of {len(levels)} ({name}):"
        console.print(Text.assemble((label, style), " ", levels[index]))
    if showing < len(levels):
        console.print(
            f"Ask again for the next level: mnist-course hint {unit.number} {function}",
            markup=False,
        )
    else:
        console.print(
            f"That is every hint for {function}(). Still stuck? The guide docs/{unit.page} "
            f"walks through it; once `pytest {unit.checks}` passes, "
            f"`mnist-course compare {unit.number}` shows the reference.",
            markup=False,
        )
    if showing != state.shown(unit, function):
        state.remember(unit, function, showing)


def syntax_problem(workspace: Workspace, unit: Lesson) -> str | None:
    """'lessons/lesson_02_prepare.py line 12 has a syntax error (...)', or None when it parses."""
    if not workspace.learner_file(unit).is_file():
        return None
    try:
        ast.parse(workspace.learner_source(unit))
    except SyntaxError as error:
        return f"lessons/{unit.filename} line {error.lineno} has a syntax error ({error.msg})"
    return None


def _list_functions(console: Console, unit: Lesson, functions: list[str], state: HintState,
                    heading: str) -> None:
    console.print(heading, markup=False)
    width = max(len(name) for name in functions)
    for name in functions:
        seen = state.shown(unit, name)
        console.print(
            f"  mnist-course hint {unit.number} {name:<{width}}  ({seen} of its hints seen)",
            markup=False,
        )
