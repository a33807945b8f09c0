"""The API reference page (`reference.md`), written as plain Markdown from the docstrings.

One section per documented module, one entry per public function, each with its signature
and its Google-style docstring (Args, Returns, Raises, Example) laid out as lists and a
doctest block. The modules are read with `ast`, never imported: the reference of lesson 04
does not wait for TensorFlow, and a lesson that does not import still has its page.

`DOCUMENTED` is the one list of what the reference covers: the reference modules of the
lesson catalogue (`mnist_course.course.LESSONS`), in the course's order. A module moved or
renamed is one edit there.
"""

from __future__ import annotations

import ast
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from mnist_course.course import LESSONS

REFERENCE_PAGE = "reference.md"  # relative to the docs folder


@dataclass(frozen=True)
class Documented:
    """A module of the API reference."""

    name: str  # the anchor prefix: "lesson_02_prepare"
    path: str  # the file, relative to the course root: "solutions/lesson_02_prepare.py"
    shown_as: str  # the file the learner edits: "lessons/lesson_02_prepare.py"
    guide: str  # its guide page, relative to docs/
    check: str  # the command that checks it


DOCUMENTED = [
    Documented(unit.module, f"solutions/{unit.filename}", f"lessons/{unit.filename}", unit.page,
               f"pytest {unit.checks}")
    for unit in LESSONS.values()
]

SECTIONS = {  # docstring heading -> the reference's heading
    "Args": "Parameters",
    "Arguments": "Parameters",
    "Parameters": "Parameters",
    "Returns": "Returns",
    "Raises": "Raises",
    "Example": "Examples",
    "Examples": "Examples",
}
SECTION = re.compile(rf"^({'|'.join(SECTIONS)}):\s*$")
ITEM = re.compile(r"^([\w*][\w*, ]*?)\s*(?:\(([^)]*)\))?:\s+(.*)$")  # "x_train, y_train: ..."


def entry_anchor(module: str, name: str) -> str:
    """The id of a function's entry on the reference page: `lesson_02_prepare.normalize`."""
    return f"{module}.{name}"


def public_functions(tree: ast.Module) -> list[ast.FunctionDef]:
    return [
        node for node in tree.body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    ]


def entries(root: Path) -> dict[str, list[str]]:
    """The anchors the reference page must have, by module: what the completeness check wants."""
    found = {}
    for module in DOCUMENTED:
        tree = ast.parse((root / module.path).read_text(encoding="utf-8"))
        found[module.name] = [entry_anchor(module.name, node.name) for node in public_functions(tree)]
    return found


def split_sections(doc: str) -> tuple[str, list[tuple[str, list[str]]]]:
    """A docstring's free text, and its sections as (reference heading, dedented lines)."""
    lines = doc.splitlines()
    text: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for line in lines:
        match = SECTION.match(line)
        if match:
            sections.append((SECTIONS[match.group(1)], []))
        elif sections:
            sections[-1][1].append(line)
        else:
            text.append(line)
    dedented = []
    for title, body in sections:
        while body and not body[-1].strip():
            body.pop()
        margin = min((len(line) - len(line.lstrip()) for line in body if line.strip()), default=0)
        dedented.append((title, [line[margin:] for line in body]))
    return "\n".join(text).strip(), dedented


def items(body: list[str]) -> list[tuple[str | None, str]]:
    """(name, description) of each item of an Args or Raises section."""
    found: list[tuple[str | None, list[str]]] = []
    for line in body:
        match = ITEM.match(line) if line and not line[0].isspace() else None
        if match:
            found.append((match.group(1), [match.group(3)]))
        elif found:
            found[-1][1].append(line.strip())
        elif line.strip():
            found.append((None, [line.strip()]))
    return [(name, " ".join(part for part in words if part)) for name, words in found]


def render_section(title: str, body: list[str]) -> list[str]:
    out = [f"**{title}:**", ""]
    if title == "Examples":
        out += ["```pycon", *body, "```"]
    elif title in {"Parameters", "Raises"}:
        for name, description in items(body):
            if name is None:
                out.append(f"- {description}")
            elif title == "Raises":
                out.append(f"- `{name}` – {description}")
            else:
                names = ", ".join(f"**`{part.strip()}`**" for part in name.split(","))
                out.append(f"- {names} – {description}")
    else:  # Returns: one description, in Markdown, as the docstrings write it (lists included)
        out += body
    return out + [""]


def render_function(module: str, node: ast.FunctionDef) -> list[str]:
    doc = ast.get_docstring(node) or ""
    text, sections = split_sections(doc)
    signature = f"{node.name}({ast.unparse(node.args)})"
    lines = [f"### `{signature}` {{ #{entry_anchor(module, node.name)} }}", ""]
    if text:
        lines += [text, ""]
    for title, body in sections:
        lines += render_section(title, body)
    return lines


def render(root: Path, page: str = REFERENCE_PAGE) -> str:
    """The Markdown of the reference page."""
    lines = [
        "# API reference",
        "",
        "Every function you write, with its full docstring: the same text as in your stub in",
        "`lessons/`, rendered from `solutions/` when the guide is built. The docstring is the",
        "spec: the checks test exactly what it promises.",
        "",
    ]
    for module in DOCUMENTED:
        tree = ast.parse((root / module.path).read_text(encoding="utf-8"))
        docstring = ast.get_docstring(tree) or module.name
        title, _, rest = docstring.partition("\n")
        guide = posixpath.relpath(module.guide, posixpath.dirname(page) or ".")
        number = module.name.split("_")[1]
        lines += [
            f"## {title.strip().rstrip('.')}",
            "",
            f"`{module.shown_as}` · guide: [lesson {number}]({guide}) · check: `{module.check}`",
            "",
        ]
        if rest.strip():
            lines += [rest.strip(), ""]
        for node in public_functions(tree):
            lines += render_function(module.name, node)
    return "\n".join(lines).rstrip() + "\n"
