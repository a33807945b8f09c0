"""The guide's tasks, hints and solutions, expanded from the course's own files.

A lesson page never copies code or hints by hand. It holds directives (HTML comments, so a
page read on GitHub still makes sense) that `python -m mnist_course.docs_build generate`
expands into ordinary Markdown before any site builder reads the page:

    <!-- task 02 normalize -->
    Prose about the task, written by hand.
    <!-- /task -->

becomes a heading with the function's signature and the first paragraph of its docstring
(read from `solutions/lesson_02_prepare.py`), the prose, the hints of `[lesson_02.normalize]`
in `hints.toml` as collapsed tips (the same text `mnist-course hint 02 normalize` prints),
and the reference body as a collapsed block copied from the solution file.

    <!-- check 02 -->      the exact command that checks the lesson
    <!-- solution 02 -->   the whole reference module, collapsed
    <!-- lesson-map -->    a table of every lesson: what you write, how to check it
    <!-- stub-message 02 normalize -->
                           the message a check prints while that function is a stub, rendered
                           by the same code as the checks (`mnist_course.check_support.outcome`)

A page with tasks must cover every function the learner writes in that lesson, in the
stubs' order, and name no other: otherwise generation fails, so the guide cannot drift from
the code. Lesson pages also get their "Open in Colab" link under the title.

The parts written here are also what `mnist_course.docs_build.complete` looks for in the
built site, so a builder that drops one is caught.
"""

from __future__ import annotations

import ast
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from mnist_course.course import CORE, LESSONS
from mnist_course.course.hints import hint_levels
from mnist_course.notebooks.build import colab_url, repository_url
from mnist_course.check_support.outcome import CheckOutcome
from mnist_course.course.stubs import BEGIN, END, solution_functions

from mnist_course.docs_build import DocsError
from mnist_course.docs_build.reference import REFERENCE_PAGE, entry_anchor

ROOT = Path(__file__).resolve().parents[2]
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
    """Everything the directives read, loaded once per generation."""

    def __init__(self) -> None:
        self.functions = {number: parse_functions(number) for number in LESSONS}
        self.sources = {number: solution_path(number).read_text(encoding="utf-8") for number in LESSONS}

    def lines(self, number: str, first: int, last: int) -> list[str]:
        """Lines `first` to `last` (1-based, inclusive) of lesson `number`'s reference module."""
        return self.sources[number].splitlines()[first - 1 : last]


def relative_link(page_uri: str, target: str) -> str:
    """The link from the page `page_uri` to the page `target` (both relative to docs/)."""
    return posixpath.relpath(target, posixpath.dirname(page_uri) or ".")


def render_task(course: Course, uri: str, number: str, name: str, prose: str, position: int) -> str:
    module = LESSONS[number].module
    function = course.functions[number][name]
    (d0, d1), (b0, b1) = function.def_lines, function.body_lines
    code = course.lines(number, d0, d1) + course.lines(number, b0, b1)
    reference = f"{relative_link(uri, REFERENCE_PAGE)}#{entry_anchor(module, name)}"
    parts = [
        f"### Task {position} · `{name}` {{ #{name} }}",
        "",
        f"```python\n{function.signature}\n```",
        "",
        f'!!! abstract "The spec"\n{indent(function.summary)}\n',
        '    ??? quote "The whole docstring: arguments, return value, examples"',
        "        ```text",
        indent(function.docstring, 8),
        "        ```",
        "",
        f"    The same text is in your stub and, formatted, in the "
        f"[API reference]({reference}).",
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
        indent("\n".join(code)),
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


def render_solution(course: Course, number: str) -> str:
    module = LESSONS[number].module
    return "\n".join(
        [
            f'??? success "The whole reference module: `solutions/{module}.py`"',
            "    ```python",
            indent(course.sources[number].rstrip("\n")),
            "    ```",
        ]
    )


def render_lesson_map(course: Course, page_uri: str) -> str:
    rows = [
        "| Lesson | You write | You check with |",
        "| --- | --- | --- |",
    ]
    for number, unit in LESSONS.items():
        link = relative_link(page_uri, unit.page)
        written = ", ".join(f"`{name}`" for name in course.functions[number])
        extra = "" if unit.track == CORE else f" *({unit.track})*"
        rows.append(
            f"| [{number} · {unit.title}]({link}){extra} | {written} | `pytest {unit.checks}` |"
        )
    return "\n".join(rows)


def stub_message(number: str, name: str) -> str:
    """The message a check prints while `name` of lesson `number` is a stub."""
    levels = hint_levels(ROOT, number, name)
    outcome = CheckOutcome("stub", LESSONS[number], name)
    return outcome.render("lessons", nudge=levels[0] if levels else None)


def render_stub_message(course: Course, number: str, name: str) -> str:
    if name not in course.functions[number]:
        raise DocsError(f"stub-message {number} {name}: lesson {number} has no function {name}")
    return f"```text\n{stub_message(number, name)}\n```"


TITLE = re.compile(r"^# .*\n", re.M)


def lesson_colab_url(uri: str) -> str | None:
    """The "Open in Colab" address of the lesson whose page is `uri`, if it is one."""
    unit = next((unit for unit in LESSONS.values() if unit.page == uri), None)
    return unit and colab_url(repository_url(ROOT), unit)


def notebook_links(markdown: str, uri: str) -> str:
    """Under a lesson page's title: the lesson as a notebook, in Colab or on your machine."""
    colab = lesson_colab_url(uri)
    if not colab:
        return markdown
    links = (
        f'\n[Open this lesson as a notebook in Google Colab]({colab}){{ .md-button }} '
        f"or, on your machine, `mnist-course notebooks` ([how](../setup.md#notebooks)).\n"
    )
    return TITLE.sub(lambda match: match.group(0) + links, markdown, count=1)


def expand(course: Course, markdown: str, uri: str) -> str:
    """The page `uri` (relative to docs/) with every course directive written out."""
    markdown = notebook_links(markdown, uri)
    if not ANY_DIRECTIVE.search(markdown):
        return markdown

    tasks = [(m.group(1), m.group(2)) for m in TASK.finditer(markdown)]
    for number in sorted({n for n, _ in tasks}):
        if number not in LESSONS:
            raise DocsError(f"{uri}: there is no lesson {number}")
        expected = list(course.functions[number])
        written = [name for n, name in tasks if n == number]
        if written != expected:
            raise DocsError(
                f"{uri}: the tasks of lesson {number} are {written}, but the learner writes "
                f"{expected} (solutions/{LESSONS[number].filename}): give every function one "
                "<!-- task --> block, in the same order."
            )

    counters: dict[str, int] = {}

    def task(match: re.Match) -> str:
        number, name, prose = match.groups()
        counters[number] = counters.get(number, 0) + 1
        return render_task(course, uri, number, name, prose, counters[number])

    markdown = TASK.sub(task, markdown)
    markdown = CHECK.sub(lambda m: render_check(m.group(1)), markdown)
    markdown = SOLUTION.sub(lambda m: render_solution(course, m.group(1)), markdown)
    markdown = LESSON_MAP.sub(lambda m: render_lesson_map(course, uri), markdown)
    markdown = STUB_MESSAGE.sub(lambda m: render_stub_message(course, *m.groups()), markdown)
    leftover = ANY_DIRECTIVE.search(markdown)
    if leftover:
        raise DocsError(f"{uri}: malformed course directive {leftover.group(0)!r}")
    return markdown
