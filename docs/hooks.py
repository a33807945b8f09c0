"""MkDocs hook: the guide's tasks, hints and solutions come from the course's own files.

A lesson page never copies code or hints by hand. It holds directives (HTML comments, so a
page read on GitHub still makes sense) that this hook expands at build time:

    <!-- task 02 normalize -->
    Prose about the task, written by hand.
    <!-- /task -->

becomes a heading with the function's signature and the first paragraph of its docstring
(read from `solutions/lesson_02_prepare.py`), the prose, the hints of `[lesson_02.normalize]`
in `hints.toml` as collapsed tips (the same text `mnist-course hint 02 normalize` prints),
and the reference body as a collapsed block pulled from the solution file by
`pymdownx.snippets` with line numbers computed here, from the same file.

    <!-- check 02 -->      the exact command that checks the lesson
    <!-- solution 02 -->   the whole reference module, collapsed
    <!-- lesson-map -->    a table of every lesson: what you write, how to check it
    <!-- stub-message 02 normalize -->
                           the message a check prints while that function is a stub, rendered
                           by the same code as the checks (`mnist_course.check_support.outcome`)

A page with tasks must cover every function the learner writes in that lesson, in the
stubs' order, and name no other: otherwise the build fails, so the guide cannot drift from
the code.
"""

from __future__ import annotations

import ast
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from mkdocs.exceptions import PluginError

from mnist_course.course import CORE, LESSONS
from mnist_course.course.hints import hint_levels
from mnist_course.notebooks.build import colab_url, repository_url
from mnist_course.check_support.outcome import CheckOutcome
from mnist_course.course.stubs import BEGIN, END, solution_functions

ROOT = Path(__file__).resolve().parents[1]
HINT_TITLES = ["Hint 1 · a nudge", "Hint 2 · the idea", "Hint 3 · the API to use"]

TASK = re.compile(r"^<!-- task (\d\d) (\w+) -->\n(.*?)^<!-- /task -->$", re.M | re.S)
CHECK = re.compile(r"^<!-- check (\d\d) -->$", re.M)
SOLUTION = re.compile(r"^<!-- solution (\d\d) -->$", re.M)
LESSON_MAP = re.compile(r"^<!-- lesson-map -->$", re.M)
STUB_MESSAGE = re.compile(r"^<!-- stub-message (\d\d) (\w+) -->$", re.M)
ANY_DIRECTIVE = re.compile(r"^<!-- /?(task|check|solution|lesson-map|stub-message)\b.*-->$", re.M)


@dataclass
class Function:
    name: str
    signature: str  # "normalize(images)"
    summary: str  # the docstring's first paragraph
    docstring: str  # the whole docstring, as the stub shows it
    def_lines: tuple[int, int]  # first and last line of the `def ...:` header (1-based)
    body_lines: tuple[int, int]  # the lines between BEGIN SOLUTION and END SOLUTION


def solution_path(number: str) -> Path:
    return ROOT / "solutions" / LESSONS[number].filename


def parse_functions(number: str) -> dict[str, Function]:
    """The functions a learner writes in lesson `number`, read from its reference module."""
    path = solution_path(number)
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    wanted = solution_functions(source)
    found: dict[str, Function] = {}
    for node in ast.parse(source).body:
        if not isinstance(node, ast.FunctionDef) or node.name not in wanted:
            continue
        doc = ast.get_docstring(node) or ""
        summary = " ".join(doc.split("\n\n")[0].split())
        header_end = node.body[0].lineno - 1  # the docstring is the first statement
        # The END marker is a comment after the last statement, past `node.end_lineno`.
        begin = next(i for i in range(node.lineno, len(lines)) if lines[i].strip() == BEGIN)
        end = next(i for i in range(begin, len(lines)) if lines[i].strip() == END)
        markers = [begin + 1, end + 1]
        signature = f"{node.name}({ast.unparse(node.args)})"
        found[node.name] = Function(
            node.name, signature, summary, doc, (node.lineno, header_end), (markers[0] + 1, markers[1] - 1)
        )
    return {name: found[name] for name in wanted}


def indent(text: str, spaces: int = 4) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line.strip() else "" for line in text.splitlines())


class Course:
    """Everything the directives read, loaded once per build."""

    def __init__(self) -> None:
        self.functions = {number: parse_functions(number) for number in LESSONS}


COURSE: Course | None = None


def on_pre_build(config, **kwargs) -> None:
    global COURSE
    COURSE = Course()


def render_task(number: str, name: str, prose: str, position: int) -> str:
    module = LESSONS[number].module
    function = COURSE.functions[number][name]
    relative = f"solutions/{module}.py"
    (d0, d1), (b0, b1) = function.def_lines, function.body_lines
    parts = [
        f"### Task {position} · `{name}` {{ #{name} }}",
        "",
        f"```python\n{function.signature}\n```",
        "",
        f'!!! abstract "The spec"\n{indent(function.summary)}\n',
        f'    ??? quote "The whole docstring: arguments, return value, examples"',
        "        ```text",
        indent(function.docstring, 8),
        "        ```",
        "",
        f"    The same text is in your stub and, formatted, in the "
        f"[API reference][{module}.{name}].",
        "",
        prose.strip(),
        "",
    ]
    levels = hint_levels(ROOT, number, name)
    for index, text in enumerate(levels):
        title = HINT_TITLES[index] if index < len(HINT_TITLES) else f"Hint {index + 1}"
        parts += [f'??? tip "{title}"', indent(text), ""]
    if not levels:
        parts += [
            '??? tip "Hints"',
            indent(f"`mnist-course hint {number} {name}` prints the hints for this function."),
            "",
        ]
    parts += [
        f'??? success "Reference solution · `{name}` (open it after your check passes)"',
        "    ```python",
        f'    --8<-- "{relative}:{d0}:{d1},{b0}:{b1}"',
        "    ```",
        "",
    ]
    return "\n".join(parts)


def render_check(number: str) -> str:
    return "\n".join(
        [
            f"```bash title=\"Check lesson {number}\"",
            f"pytest checks/lesson_{number}",
            "```",
        ]
    )


def render_solution(number: str) -> str:
    module = LESSONS[number].module
    return "\n".join(
        [
            f'??? success "The whole reference module: `solutions/{module}.py`"',
            "    ```python",
            f'    --8<-- "solutions/{module}.py"',
            "    ```",
        ]
    )


def render_lesson_map(page_uri: str) -> str:
    here = posixpath.dirname(page_uri)
    rows = [
        "| Lesson | You write | You check with |",
        "| --- | --- | --- |",
    ]
    for number, unit in LESSONS.items():
        link = posixpath.relpath(unit.page, here or ".")
        written = ", ".join(f"`{name}`" for name in COURSE.functions[number])
        extra = "" if unit.track == CORE else f" *({unit.track})*"
        rows.append(
            f"| [{number} · {unit.title}]({link}){extra} | {written} | `pytest {unit.checks}` |"
        )
    return "\n".join(rows)


def render_stub_message(number: str, name: str) -> str:
    if name not in COURSE.functions[number]:
        raise PluginError(f"stub-message {number} {name}: lesson {number} has no function {name}")
    levels = hint_levels(ROOT, number, name)
    outcome = CheckOutcome("stub", LESSONS[number], name)
    return f"```text\n{outcome.render('lessons', nudge=levels[0] if levels else None)}\n```"


TITLE = re.compile(r"^# .*\n", re.M)


def notebook_links(markdown: str, uri: str) -> str:
    """Under a lesson page's title: the lesson as a notebook, in Colab or on your machine."""
    unit = next((unit for unit in LESSONS.values() if unit.page == uri), None)
    colab = unit and colab_url(repository_url(ROOT), unit)
    if not colab:
        return markdown
    links = (
        f'\n[Open this lesson as a notebook in Google Colab]({colab}){{ .md-button }} '
        f"or, on your machine, `mnist-course notebooks` ([how](../setup.md#notebooks)).\n"
    )
    return TITLE.sub(lambda match: match.group(0) + links, markdown, count=1)


def on_page_markdown(markdown: str, page, config, files) -> str:
    markdown = notebook_links(markdown, page.file.src_uri)
    if not ANY_DIRECTIVE.search(markdown):
        return markdown
    uri = page.file.src_uri

    tasks = [(m.group(1), m.group(2)) for m in TASK.finditer(markdown)]
    for number in sorted({n for n, _ in tasks}):
        if number not in LESSONS:
            raise PluginError(f"{uri}: there is no lesson {number}")
        expected = list(COURSE.functions[number])
        written = [name for n, name in tasks if n == number]
        if written != expected:
            raise PluginError(
                f"{uri}: the tasks of lesson {number} are {written}, but the learner writes "
                f"{expected} (solutions/{LESSONS[number].filename}): give every function one "
                "<!-- task --> block, in the same order."
            )

    counters: dict[str, int] = {}

    def task(match: re.Match) -> str:
        number, name, prose = match.groups()
        counters[number] = counters.get(number, 0) + 1
        return render_task(number, name, prose, counters[number])

    markdown = TASK.sub(task, markdown)
    markdown = CHECK.sub(lambda m: render_check(m.group(1)), markdown)
    markdown = SOLUTION.sub(lambda m: render_solution(m.group(1)), markdown)
    markdown = LESSON_MAP.sub(lambda m: render_lesson_map(uri), markdown)
    markdown = STUB_MESSAGE.sub(lambda m: render_stub_message(*m.groups()), markdown)
    leftover = ANY_DIRECTIVE.search(markdown)
    if leftover:
        raise PluginError(f"{uri}: malformed course directive {leftover.group(0)!r}")
    return markdown
