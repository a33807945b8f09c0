"""What a lesson notebook calls: `check`, `hint` and `solution`, run in place.

    start("02")          the set-up cell: this notebook is lesson 02 (and the course is found)
    check("normalize")   lesson 02's checks on *your* normalize, the rest of the lesson taken
                         from the reference, so every message is about normalize
    check()              every check of the lesson on all your functions, as
                         `pytest checks/lesson_02` does on your file
    hint("normalize")    one more hint level each time (remembered with `mnist-course hint`)
    solution("normalize") the reference beside yours, once your normalize passes
    ready(train, ...)    in a "Try it" cell: whether those functions are written yet

The checks are the course's own, not a copy: the functions defined in the notebook are
written, with the lesson's imports and constants, into a lesson module under
`.course/notebook-checks/lesson_NN/`, and the same child pytest that `mnist-course
progress` uses runs `checks/lesson_NN` on it with `--impl` (forked, for the lessons that need
Keras, from a zygote that `start` sets importing TensorFlow: see companion/warm.py). The
teaching messages are the plugin's, with the file names and commands said the notebook's way
("your notebook", `hint("normalize")`). What the function uses from other cells (imports,
helpers, constants) goes with it (see `dependencies`).

A function that passes its check is written into `lessons/lesson_NN_*.py` (the file is
backed up to `.course/backups/` first, and replaced atomically), so progress made in a
notebook counts in `mnist-course progress` and the learner can carry on in the files.

A function still untouched (its code is the generated `raise NotImplementedError`) is
answered at once without running pytest: every check of it fails on the stub (the course's
two-sided tests prove it), so there is nothing to learn from waiting for them.
"""

from __future__ import annotations

import ast
import hashlib
import html
import inspect
import io
import os
import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from mnist_course.course import CourseError, Lesson, find_course_root, lesson
from mnist_course.course.stubs import BEGIN, END, function_source, generate_stub, solution_functions
from mnist_course.course.workspace import NOTEBOOK_CHECKS, Workspace

MESSAGES_SHOWN = 3  # failures shown in full; the rest are counted


@dataclass
class _Session:
    unit: Lesson | None = None
    root: Path | None = None
    cache: dict[str, object] = field(default_factory=dict)  # module fingerprint -> LessonResults
    warm: object | None = None  # the WarmChecks of this kernel's checks (companion/warm.py)


_SESSION = _Session()


# --- Finding the course and the learner's functions -----------------------------------------


def start(number: str | int) -> None:
    """Tie this notebook to lesson `number` and work from the course folder."""
    unit = lesson(number)
    root = _course_root()
    os.chdir(root)  # paths in the lessons (examples/, .course/) are relative to the course
    _SESSION.unit, _SESSION.root = unit, root
    _keep_libraries_warm(root, unit)
    _show(_box("ok", f"{unit.label}: ready. Your work is checked with {unit.checks} and saved "
                     f"into lessons/{unit.filename} when it passes.", title=None))


def _keep_libraries_warm(root: Path, unit: Lesson) -> None:
    """Import TensorFlow for the checks now, while the learner reads and writes: each
    `check()` then runs without importing it again (companion/warm.py)."""
    import atexit

    from mnist_course.companion.warm import WarmChecks

    if _SESSION.warm is not None and _SESSION.warm.root == root and unit.needs_keras:
        return  # this kernel's zygote: started by an earlier start()
    if _SESSION.warm is not None:
        _SESSION.warm.close()
        _SESSION.warm = None
    if unit.needs_keras:
        _SESSION.warm = WarmChecks(root, start_now=True)
        atexit.register(_SESSION.warm.close)


def _course_root() -> Path:
    """The course around the working directory, else the one this package was installed from."""
    try:
        return find_course_root()
    except CourseError:
        installed = Path(__file__).resolve().parents[2]  # mnist_course/notebooks/in_notebook.py
        return find_course_root(installed)


def _lesson_here() -> tuple[Lesson, Path]:
    if _SESSION.unit is None:
        raise CourseError("run the set-up cell at the top of the notebook first (it calls start()).")
    return _SESSION.unit, _SESSION.root


def _sources(root: Path, unit: Lesson) -> tuple[str, str, list[str]]:
    solution = (root / "solutions" / unit.filename).read_text(encoding="utf-8")
    return solution, generate_stub(solution, unit), solution_functions(solution)


def _notebook_function(namespace: dict, name: str, unit: Lesson) -> str:
    """The source of `name` as the notebook last defined it; CourseError if it cannot be had."""
    function = namespace.get(name)
    if function is None:
        raise CourseError(
            f"{name}() is not defined in this notebook yet: run the cell that defines it "
            "(and the set-up cells above it) first."
        )
    if not inspect.isfunction(function) or function.__name__ != name:
        raise CourseError(f"{name} in this notebook is not a function named {name}(): run its cell again.")
    try:
        return textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        raise CourseError(f"the source of {name}() cannot be found: run the cell that defines it again.") from None


def _defined_names(source: str) -> set[str]:
    """Names a module defines at its top level: imports, assignments, functions, classes."""
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for target in targets for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def dependencies(namespace: dict, function_text: str, module_text: str) -> list[str]:
    """What a notebook function uses from the notebook beyond the lesson module, as code.

    A learner may `import math` in any cell, or write a helper in another cell: the lesson
    module built for the checks (and the lessons/ file) needs those too. Modules become
    imports, functions and classes from libraries become `from ... import ...`, the
    learner's own helpers their source, and plain constants an assignment.
    """
    import builtins

    known = _defined_names(module_text) | set(dir(builtins))
    needed, texts, seen = [], [function_text], set()
    while texts:  # a helper's own needs count too
        used = {node.id for node in ast.walk(ast.parse(texts.pop())) if isinstance(node, ast.Name)}
        missing = sorted(used - known - seen)
        seen |= set(missing)
        needed += _as_code(namespace, missing, texts)
    return needed


def _as_code(namespace: dict, missing: list[str], texts: list[str]) -> list[str]:
    import types

    needed = []
    for name in missing:
        if name not in namespace:
            continue
        value = namespace[name]
        origin = getattr(value, "__module__", None)
        if isinstance(value, types.ModuleType):
            real = value.__name__
            needed.append(f"import {real}" if real == name else f"import {real} as {name}")
        elif callable(value) and hasattr(value, "__name__") and origin not in (None, "__main__"):
            if getattr(sys.modules.get(origin), value.__name__, None) is value:  # importable as is
                alias = "" if value.__name__ == name else f" as {name}"
                needed.append(f"from {origin} import {value.__name__}{alias}")
        elif inspect.isfunction(value) or inspect.isclass(value):
            try:
                helper = textwrap.dedent(inspect.getsource(value)).rstrip("\n")
            except (OSError, TypeError):
                continue
            needed.append(helper)
            texts.append(helper)
        elif isinstance(value, (int, float, str, bytes, bool, tuple)) and _literal(value):
            needed.append(f"{name} = {value!r}")
    return needed


def _literal(value) -> bool:
    """Whether `repr(value)` is Python source that gives the value back (so it can be written out)."""
    try:
        return ast.literal_eval(repr(value)) == value
    except (ValueError, SyntaxError, TypeError):
        return False


def untouched(function: str, stub_function: str) -> bool:
    """Whether a function's code (docstring aside) is still exactly the generated stub's."""
    from mnist_course.companion.compare import code_lines

    strip = lambda text: [line.rstrip() for line in code_lines(text.strip("\n")) if line.strip()]  # noqa: E731
    return strip(function) == strip(stub_function)


def function_lines(source: str, name: str) -> str | None:
    """Top-level function `name` in `source`, whole lines (a comment on its last line included)."""
    lines = source.splitlines(keepends=True)
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            return "".join(lines[first - 1 : node.end_lineno])
    return None


def _reference_function(solution: str, name: str) -> str:
    text = function_source(solution, name)
    return "".join(line for line in text.splitlines(keepends=True) if line.strip() not in {BEGIN, END})


def replace_functions(source: str, functions: dict[str, str], extras: list[str] = ()) -> str:
    """`source` with each named top-level function replaced by new text (appended if absent).

    `extras` (see `dependencies`) join it: imports after the file's own, the rest at the end.
    """
    lines = source.splitlines(keepends=True)
    spans = {}
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in functions:
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            spans[node.name] = (first - 1, node.end_lineno)
    out, position = [], 0
    for name, (first, last) in sorted(spans.items(), key=lambda item: item[1]):
        out += lines[position:first]
        out.append(functions[name].rstrip("\n") + "\n")
        position = last
    out += lines[position:]
    text = "".join(out)
    missing = [name for name in functions if name not in spans]
    imports = [piece for piece in extras if piece.startswith(("import ", "from "))]
    others = [piece for piece in extras if piece not in imports]
    for piece in [*(functions[name] for name in missing), *others]:
        text = text.rstrip("\n") + "\n\n\n" + piece.rstrip("\n") + "\n"
    lines = text.splitlines(keepends=True)
    after = max(
        (node.end_lineno for node in ast.parse(source).body if isinstance(node, (ast.Import, ast.ImportFrom))),
        default=0,
    )
    return "".join(lines[:after] + [piece + "\n" for piece in imports] + lines[after:])


# --- Running the checks ----------------------------------------------------------------------


@dataclass
class CheckReport:
    """What a check cell shows: green when every check passed, else the teaching messages."""

    title: str
    passed: bool
    messages: list[str] = field(default_factory=list)
    note: str = ""

    def __repr__(self) -> str:
        mark = "PASSED" if self.passed else "NOT YET"
        parts = [f"{mark}: {self.title}", *self.messages]
        if self.note:
            parts.append(self.note)
        return "\n\n".join(parts)

    def _repr_html_(self) -> str:
        body = "".join(f"<pre style='{_PRE}'>{html.escape(m)}</pre>" for m in self.messages)
        if self.note:
            body += f"<div style='margin-top:.4em'>{html.escape(self.note)}</div>"
        return _box("ok" if self.passed else "fail", body, title=self.title, raw=True)


def _fingerprint(root: Path, unit: Lesson, module: str) -> str:
    digest = hashlib.sha256(module.encode())
    for path in sorted((root / unit.checks).rglob("*.py")):
        digest.update(path.read_bytes())
    digest.update((root / "solutions" / unit.filename).read_bytes())
    return digest.hexdigest()


def _run(root: Path, unit: Lesson, module: str):
    """The lesson's checks on `module` (a lesson file's text), in the companion's child pytest."""
    from mnist_course.companion.runner import run_checks
    from mnist_course.course.workspace import Workspace, write_atomically

    key = _fingerprint(root, unit, module)
    if key in _SESSION.cache:  # same code, same checks: the same (seeded) answer
        return _SESSION.cache[key]
    folder = Workspace(root).notebook_checks / f"lesson_{unit.number}"
    write_atomically(folder / unit.filename, module)
    run = run_checks(Workspace(root), [unit], impl=folder, warm=_SESSION.warm)
    results = run.lessons[unit.number]
    _SESSION.cache[key] = results
    return results


def notebook_message(message: str, unit: Lesson) -> str:
    """A plugin teaching message said the notebook's way: where the code is, how to ask for hints."""
    where = re.escape(f"{NOTEBOOK_CHECKS}/lesson_{unit.number}/{unit.filename}")
    message = re.sub(rf"\S*{where}:(\d+) in (\w+)", r"your notebook, in \2()", message)
    message = re.sub(rf"\S*{where}", "your notebook", message)
    return re.sub(r"mnist-course hint \d\d (\w+)", r'hint("\1")', message)


def _stub_report(unit: Lesson, name: str) -> CheckReport:
    from mnist_course.course.hints import hint_levels

    lines = [
        f"{unit.label} · {name}() is not implemented yet.",
        "  Write it in its cell above: its docstring is the spec. Run that cell, then this one.",
        f"  Guide: docs/{unit.page}",
    ]
    levels = hint_levels(_SESSION.root, unit.number, name)
    if levels:
        lines.append(f"  Nudge: {levels[0]}")
    lines.append(f'  More hints: hint("{name}")')
    return CheckReport(f"{name}() is not written yet", False, ["\n".join(lines)])


def _failures(unit: Lesson, results, title: str) -> CheckReport:
    messages = [notebook_message(text, unit) for text in results.collect_errors]
    messages += [notebook_message(result.message, unit) for result in results.failures]
    unique = list(dict.fromkeys(messages))
    failing = len(results.failures) + len(results.collect_errors)
    note = ""
    if len(unique) > MESSAGES_SHOWN:
        note = f"...and {len(unique) - MESSAGES_SHOWN} more. Fix the first one, run its cell, check again."
    total = max(results.total, failing)
    return CheckReport(f"{title}: {failing} of {total} checks fail", False, unique[:MESSAGES_SHOWN], note)


def _save(root: Path, unit: Lesson, functions: dict[str, str], extras: list[str] = ()) -> str:
    """Write passing functions into the learner's lesson file; say what happened.

    The file keeps its form (a BOM, CRLF line endings), a symlinked lesson stays a link, and
    the backup holds exactly the bytes replaced (see `backups.replace_lesson`).
    """
    from mnist_course.companion import backups
    from mnist_course.course.workspace import Workspace, in_the_form_of, lesson_text, not_utf8

    workspace = Workspace(root)
    stub = workspace.stub_text(unit)

    def new_for(current: bytes | None) -> bytes | None:
        try:
            text = stub if current is None else lesson_text(current)
        except UnicodeDecodeError as error:
            raise CourseError(f"lessons/{unit.filename} was not updated: {not_utf8(current, error)}.") from None
        wanted = [piece for piece in extras if piece not in dependencies_present(text)]
        updated = replace_functions(text, functions, wanted)
        return None if updated == text else in_the_form_of(updated, current)

    try:
        replaced = backups.replace_lesson(workspace, unit, new_for, f'check("{next(iter(functions))}")')
    except SyntaxError as error:
        return (
            f"lessons/{unit.filename} has a syntax error (line {error.lineno}), so it was not "
            "updated: fix it there, or `mnist-course reset " + unit.number + "` (it keeps a backup)."
        )
    if not replaced.done:
        return f"lessons/{unit.filename} already holds it."
    names = ", ".join(f"{name}()" for name in functions)
    if replaced.backup is None:
        return f"Saved {names} into lessons/{unit.filename}."
    return f"Saved {names} into lessons/{unit.filename} (the old file is in .course/backups/)."


def dependencies_present(source: str) -> set[str]:
    """The top-level statements of a file, as text: an extra already there is not added twice."""
    return {ast.get_source_segment(source, node) for node in ast.parse(source).body}


def _check(namespace: dict, name: str | None) -> CheckReport:
    unit, root = _lesson_here()
    solution, stub, functions = _sources(root, unit)
    if name is not None and name not in functions:
        raise CourseError(f"lesson {unit.number} has no function {name}(): its functions are {', '.join(functions)}.")
    if name is not None:
        mine = _notebook_function(namespace, name, unit)
        if untouched(mine, function_source(stub, name)):
            return _stub_report(unit, name)
        chosen = {other: _reference_function(solution, other) for other in functions}
        chosen[name] = mine
        extras = dependencies(namespace, mine, stub)
        results = _run(root, unit, replace_functions(stub, chosen, extras))
        title = f"{name}() · {unit.label}"
        if not results.all_pass:
            return _failures(unit, results, title)
        note = _save(root, unit, {name: mine}, extras)
        return CheckReport(f"{title}: all {results.total} checks pass", True, note=note)

    chosen, extras = {}, []
    for each in functions:
        try:
            chosen[each] = _notebook_function(namespace, each, unit)
            extras += dependencies(namespace, chosen[each], stub)
        except CourseError:
            chosen[each] = function_source(stub, each)  # not run yet: it is still the stub
    written = [each for each in functions if not untouched(chosen[each], function_source(stub, each))]
    if not written:
        return _stub_report(unit, functions[0])
    results = _run(root, unit, replace_functions(stub, chosen, list(dict.fromkeys(extras))))
    if not results.all_pass:
        return _failures(unit, results, unit.label)
    note = _save(root, unit, {each: chosen[each] for each in written}, list(dict.fromkeys(extras)))
    return CheckReport(f"{unit.label}: all {results.total} checks pass", True, note=note)


def check(function: str | None = None) -> CheckReport:
    """Run the lesson's checks on `function` as this notebook defines it (or on every function)."""
    namespace = inspect.currentframe().f_back.f_globals
    try:
        return _check(namespace, function)
    except CourseError as error:
        return CheckReport("the check could not run", False, [str(error)])
    except Exception as error:  # noqa: BLE001 - a check cell never shows a traceback
        return CheckReport(
            "the check could not run", False,
            [f"{type(error).__name__}: {error}", "`mnist-course doctor` in a terminal checks the set-up."],
        )


# --- Trying the functions out ---------------------------------------------------------------------


def reference(number: str | int):
    """The reference module of a lesson: data and earlier steps for a "Try it" cell, as the checks use them."""
    from mnist_course.course import load_lesson

    _, root = _lesson_here()
    return load_lesson(root / "solutions", number)


def ready(*functions) -> bool:
    """True when every function given is written; else say which to write first (no error)."""
    unit, root = _lesson_here()
    _, stub, _ = _sources(root, unit)
    waiting = []
    for function in functions:
        name = getattr(function, "__name__", str(function))
        try:
            mine = textwrap.dedent(inspect.getsource(function))
        except (OSError, TypeError):
            mine = ""
        template = function_source(stub, name)
        if template is not None and (not mine or untouched(mine, template)):
            waiting.append(f"{name}()")
    if waiting:
        _show(_box("hint", f"This cell uses {', '.join(waiting)}: write {'it' if len(waiting) == 1 else 'them'} "
                           "above first, then run this cell again.", title=None))
    return not waiting


# --- Hints and the reference -------------------------------------------------------------------


def hint(function: str | None = None) -> None:
    """One more hint level for `function` (default: the first still to write), as `mnist-course hint`."""
    from rich.console import Console

    from mnist_course.companion.hint import give_hint

    namespace = inspect.currentframe().f_back.f_globals
    try:
        unit, root = _lesson_here()
        if function is None:
            _, stub, functions = _sources(root, unit)
            function = next(
                (name for name in functions
                 if untouched(_source_or_stub(namespace, name, stub), function_source(stub, name))),
                functions[0],
            )
        out = io.StringIO()
        console = Console(file=out, width=100, highlight=False, force_jupyter=False, force_terminal=False,
                          color_system=None)  # plain text, shown in our own box
        give_hint(unit.number, function, console=console)
        text = re.sub(r"mnist-course hint \d\d (\w+)", r'hint("\1")', out.getvalue())
        _show(_box("hint", f"<pre style='{_PRE}'>{html.escape(text.strip())}</pre>", title=None, raw=True))
    except CourseError as error:
        _show(_box("fail", html.escape(str(error)), title=None, raw=True))


def _source_or_stub(namespace: dict, name: str, stub: str) -> str:
    try:
        return _notebook_function(namespace, name, _SESSION.unit)
    except CourseError:
        return function_source(stub, name)


def solution(function: str) -> None:
    """The reference `function` beside yours, only once yours passes its check (as `compare` does)."""
    from mnist_course.companion.compare import code_lines

    namespace = inspect.currentframe().f_back.f_globals
    try:
        report = _check(namespace, function)
        if not report.passed:
            _show(_box(
                "fail",
                f"{html.escape(function)}() does not pass its check yet, so the reference stays "
                "hidden: it would spoil the exercise. Run its check cell and fix what it says; "
                f"hint(\"{html.escape(function)}\") helps.",
                title=None, raw=True,
            ))
            return
        unit, root = _lesson_here()
        solution_text, _, _ = _sources(root, unit)
        mine = "\n".join(code_lines(_notebook_function(namespace, function, unit)))
        theirs = "\n".join(code_lines(function_source(solution_text, function)))
        verdict = "same as the reference" if mine == theirs else (
            "different from the reference, and just as right: it passes the same checks"
        )
        columns = "".join(
            f"<div style='flex:1;min-width:0'><b>{label}</b><pre style='{_PRE}'>{html.escape(code)}</pre></div>"
            for label, code in (("yours", mine), (f"reference · solutions/{unit.filename}", theirs))
        )
        _show(_box("ok", f"<div>{function}(): {verdict}.</div><div style='display:flex;gap:1em'>{columns}</div>",
                   title=None, raw=True))
    except CourseError as error:
        _show(_box("fail", html.escape(str(error)), title=None, raw=True))


# --- Display ----------------------------------------------------------------------------------

_PRE = "white-space:pre-wrap;margin:.3em 0;padding:.4em;background:rgba(0,0,0,.04);font-size:90%"
_COLOURS = {"ok": ("#1b7f3b", "#e8f5ec"), "fail": ("#b3261e", "#fdecea"), "hint": ("#3949ab", "#eceff9")}


def _box(kind: str, body: str, title: str | None, raw: bool = False) -> str:
    border, background = _COLOURS[kind]
    mark = {"ok": "✔", "fail": "✘", "hint": "💡"}[kind]
    heading = f"<div style='font-weight:bold;color:{border}'>{mark} {html.escape(title)}</div>" if title else ""
    content = body if raw else f"<span style='color:{border}'>{mark}</span> {html.escape(body)}"
    return (
        f"<div class='mnist-course-{kind}' style='border-left:6px solid {border};background:{background};"
        f"padding:.5em .8em;margin:.3em 0;color:#222'>{heading}{content}</div>"
    )


def _show(markup: str) -> None:
    """Show a box: HTML in Jupyter, its words in a plain-text front end or outside IPython."""
    text = html.unescape(re.sub(r"<[^>]+>", "\n", markup))
    text = re.sub(r"\n{2,}", "\n", text).strip()
    try:
        from IPython.display import display
    except ImportError:
        print(text)
        return
    display({"text/html": markup, "text/plain": text}, raw=True)
