"""Write the API reference page (`reference.md`) from the reference modules' docstrings.

Run by mkdocs-gen-files during the build: one section per `solutions/lesson_*.py`, rendered
by mkdocstrings, so the reference always matches the code (a new lesson appears by itself).
"""

import ast
from pathlib import Path

import mkdocs_gen_files

ROOT = Path(__file__).resolve().parents[1]

lines = [
    "# API reference",
    "",
    "Every function you write, with its full docstring: the same text as in your stub in",
    "`lessons/`, rendered from `solutions/` at build time. The docstring is the spec: the",
    "checks test exactly what it promises.",
    "",
]
for path in sorted((ROOT / "solutions").glob("lesson_*.py")):
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or path.stem
    title = docstring.splitlines()[0].rstrip(".")
    number = path.stem.split("_")[1]
    pages = sorted((ROOT / "docs" / "lessons").glob(f"{number}-*.md"))
    guide = f"lessons/{pages[0].name}" if pages else "lessons/index.md"
    lines += [
        f"## {title}",
        "",
        f"`lessons/{path.name}` · guide: [lesson {number}]({guide}) · "
        f"check: `pytest checks/lesson_{number}`",
        "",
        f"::: {path.stem}",
        "    options:",
        "      show_root_heading: false",
        "      heading_level: 3",
        "",
    ]

with mkdocs_gen_files.open("reference.md", "w") as handle:
    handle.write("\n".join(lines))
