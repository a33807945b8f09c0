"""Generate one Jupyter notebook per lesson from the course's single source.

A lesson's notebook is built from the same files as its stub in `lessons/`:

    intro       the lesson module's docstring (solutions/lesson_NN_*.py)
    set-up      finds (or, in Colab, fetches and installs) the course; plots inline
    given code  the module's imports and constants, as in the stub
    per task    the function's summary (its docstring's first paragraph) and hint pointer,
                the stub of the function (signature, whole docstring, `raise ...`) to fill in,
                and a check cell: `check("normalize")`
    try it      (lessons 03 and 05) the functions on real data: inline figures, Keras' progress
    the end     `check()` for the whole lesson, and what comes next

The functions, their order and their specs are read from the solution module, so a lesson
that gains or loses a function gets a new notebook on the next build. The notebooks are
committed in `notebooks/` (Colab opens them from the repository) and a test keeps them
equal to this generator's output, as for the stubs. Cells have stable ids and no outputs,
so a diff shows only real changes.

    python -m mnist_course.notebooks.build           rewrite notebooks/
    python -m mnist_course.notebooks.build --check   exit 1 if notebooks/ is stale
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

from mnist_course.course import LESSONS, Lesson
from mnist_course.course.hints import tomllib
from mnist_course.notebooks.in_notebook import function_lines, untouched
from mnist_course.notebooks.try_it import TRY_IT
from mnist_course.course.stubs import function_source, generate_stub, solution_functions

NOTEBOOKS_DIR = "notebooks"
COLAB = "https://colab.research.google.com/github/{owner_repo}/blob/{branch}/{path}"
BRANCH = "main"


def notebook_name(unit: Lesson) -> str:
    return f"{unit.module}.ipynb"


def repository_url(root: Path) -> str:
    """The course's repository, from `[project.urls] Repository` in pyproject.toml."""
    with open(Path(root) / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["project"]["urls"]["Repository"]


def is_tensorflow(requirement: str) -> bool:
    """`tensorflow-cpu>=2.16; ...`, `tensorflow>=2.16`: a requirement that installs TensorFlow itself."""
    name = re.match(r"\s*([A-Za-z0-9._-]+)", requirement)[1].lower().replace("_", "-")
    return name == "tensorflow" or name.startswith(("tensorflow-", "tf-nightly"))


def dependencies_besides_tensorflow(root: Path) -> list[str]:
    """pyproject.toml's dependencies but TensorFlow: what Colab gets beside its own TensorFlow.

    Colab's TensorFlow is the full build, with its GPU, and `tensorflow-cpu` (the course's
    choice on Linux x86-64) would overwrite its files: so the set-up cell installs the course
    with `--no-deps`, then these.
    """
    with open(Path(root) / "pyproject.toml", "rb") as handle:
        required = tomllib.load(handle)["project"]["dependencies"]
    return [requirement for requirement in required if not is_tensorflow(requirement)]


def _list_literal(items: list[str], indent: int, width: int = 96) -> str:
    """`[*pip, "a", "b", ...]` wrapped under its opening bracket, as a person would write it."""
    lines, line = [], "[*pip,"
    for item in items:
        word = f' "{item}",'
        if len(line) + len(word) > width - indent:
            lines.append(line)
            line = " " + word.strip()
        else:
            line += word
    lines.append(line.rstrip(",") + "]")
    return ("\n" + " " * indent).join(lines)


def colab_url(repository: str, unit: Lesson) -> str | None:
    """The "Open in Colab" address of a lesson's notebook (None if the repository is not on GitHub)."""
    match = re.match(r"https://github\.com/([^/]+/[^/]+?)(?:\.git)?/?$", repository)
    if not match:
        return None
    path = f"{NOTEBOOKS_DIR}/{notebook_name(unit)}"
    return COLAB.format(owner_repo=match.group(1), branch=BRANCH, path=path)


def _node_lines(node: ast.stmt) -> range:
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return range(first, node.end_lineno + 1)


def _is_backend_switch(node: ast.stmt) -> bool:
    """`matplotlib.use("Agg")`: right in a lesson file, wrong in a notebook (no inline plots)."""
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and ast.unparse(node.value.func) == "matplotlib.use"
    )


def given_code(stub: str, functions: list[str]) -> str:
    """The lesson module minus its docstring and the learner's functions: imports, constants, helpers."""
    tree = ast.parse(stub)
    dropped: set[int] = set()
    for index, node in enumerate(tree.body):
        docstring = index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        learner = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in functions
        if docstring or learner or _is_backend_switch(node):
            dropped.update(_node_lines(node))
    kept = [line for number, line in enumerate(stub.splitlines(), 1) if number not in dropped]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip() + "\n"


def intro(solution: str) -> str:
    """The module docstring without its first line (the title, which the notebook sets itself)."""
    doc = ast.get_docstring(ast.parse(solution)) or ""
    return doc.partition("\n")[2].strip()


def signature_and_summary(solution: str, name: str) -> tuple[str, str]:
    node = next(
        node for node in ast.parse(solution).body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name
    )
    doc = ast.get_docstring(node) or ""
    return f"{name}({ast.unparse(node.args)})", " ".join(doc.split("\n\n")[0].split())


def setup_code(repository: str, unit: Lesson, dependencies: list[str]) -> str:
    """The set-up cell; `dependencies` are the course's besides TensorFlow (`dependencies_besides_tensorflow`)."""
    others = _list_literal(dependencies, indent=23)
    return f'''\
# Run this cell first. On your computer it finds the course; in Google Colab it also
# downloads the course and installs it (a minute or two, once per session).
import importlib.util, os, subprocess, sys

if importlib.util.find_spec("mnist_course") is None:
    REPOSITORY = "{repository}"
    if not os.path.isdir("mnist-course"):
        subprocess.run(["git", "clone", "--quiet", "--depth", "1", REPOSITORY, "mnist-course"], check=True)
    pip = [sys.executable, "-m", "pip", "install", "--quiet"]
    if importlib.util.find_spec("tensorflow") is None:  # no TensorFlow yet: the course brings one
        subprocess.run([*pip, "-e", "mnist-course"], check=True)
    else:  # Colab's own TensorFlow (it has the GPU) stays: the course without it, then the rest
        subprocess.run([*pip, "--no-deps", "-e", "mnist-course"], check=True)
        subprocess.run({others}, check=True)
    sys.path.insert(0, os.path.abspath("mnist-course"))

%matplotlib inline
from mnist_course.notebooks.in_notebook import check, hint, ready, reference, solution, start

start("{unit.number}")
'''


def _cell_id(*parts: str) -> str:
    return "-".join(re.sub(r"[^a-zA-Z0-9]+", "-", part).strip("-") for part in parts)[:64]


def lesson_notebook(root: Path, unit: Lesson, learner_source: str | None = None):
    """The notebook of one lesson; with `learner_source` (a lessons/ file), its written functions fill the cells."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook  # only the build needs nbformat

    solution = (Path(root) / "solutions" / unit.filename).read_text(encoding="utf-8")
    stub = generate_stub(solution, unit)
    functions = solution_functions(solution)
    repository = repository_url(root)
    colab = colab_url(repository, unit)
    number = unit.number

    opening = [f"# {unit.label}", ""]
    if colab:
        opening += [f"[Open this notebook in Google Colab]({colab})", ""]
    opening += [
        intro(solution),
        "",
        "**How this notebook works.** Run the set-up cell first. Then, for each task, fill in "
        "the function in its code cell (its docstring is the spec), run that cell, and run "
        "the check cell under it: red tells you what is still wrong, green means done. "
        "A function that passes its check is saved into "
        f"`lessons/{unit.filename}`, so `mnist-course progress` counts it and you can carry on "
        "in the files whenever you like.",
    ]
    cells = [
        new_markdown_cell("\n".join(opening), id=_cell_id(number, "intro")),
        new_code_cell(setup_code(repository, unit, dependencies_besides_tensorflow(root)), id=_cell_id(number, "setup")),
        new_markdown_cell(
            "The code the lesson gives you: imports and constants your functions can use.",
            id=_cell_id(number, "given-intro"),
        ),
        new_code_cell(given_code(stub, functions).rstrip("\n"), id=_cell_id(number, "given")),
    ]
    for position, name in enumerate(functions, start=1):
        signature, summary = signature_and_summary(solution, name)
        code = function_source(stub, name)
        if learner_source:
            try:
                written = function_lines(learner_source, name)
            except SyntaxError:
                written = None
            if written and not untouched(written, code):
                code = written
        cells += [
            new_markdown_cell(
                f"## Task {position} · `{signature}`\n\n{summary}\n\n"
                "The whole spec is the docstring in the cell below. Write the body, run the "
                f'cell, then run the check. Stuck? `hint("{name}")` gives one more hint each '
                f'time you ask; `solution("{name}")` shows the reference once your check passes.',
                id=_cell_id(number, name, "task"),
            ),
            new_code_cell(code.strip("\n"), id=_cell_id(number, name, "code")),
            new_code_cell(f'check("{name}")', id=_cell_id(number, name, "check")),
        ]
    if number in TRY_IT:
        cells += [
            new_markdown_cell(
                "## Try it\n\nYour functions at work on MNIST. The cell waits until you have written "
                "the functions it uses.",
                id=_cell_id(number, "try-it-intro"),
            ),
            new_code_cell(TRY_IT[number], id=_cell_id(number, "try-it")),
        ]
    following = [later for later in LESSONS.values() if later.number > number]
    ending = (
        f"Next: [{following[0].label}]({notebook_name(following[0])})."
        if following else "That was the last lesson: well done."
    )
    cells += [
        new_markdown_cell(
            "## The whole lesson\n\n`check()` runs every check of the lesson on all your "
            f"functions together, exactly as `pytest {unit.checks}` does on your file.",
            id=_cell_id(number, "whole"),
        ),
        new_code_cell("check()", id=_cell_id(number, "whole-check")),
        new_markdown_cell(ending, id=_cell_id(number, "next")),
    ]
    notebook = new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return notebook


def notebook_text(notebook) -> str:
    import nbformat

    return nbformat.writes(notebook) + "\n"


def expected_notebooks(root: Path) -> dict[Path, str]:
    """Every lesson's committed notebook path mapped to the text the generator gives it."""
    folder = Path(root) / NOTEBOOKS_DIR
    return {
        folder / notebook_name(unit): notebook_text(lesson_notebook(root, unit))
        for unit in LESSONS.values()
        if (Path(root) / "solutions" / unit.filename).is_file()
    }


def main(argv: list[str] | None = None) -> int:
    """`python -m mnist_course.notebooks.build [--check]`: regenerate notebooks/, or check it is current."""
    import argparse

    from mnist_course.course import find_course_root

    parser = argparse.ArgumentParser(prog="python -m mnist_course.notebooks.build", description=main.__doc__)
    parser.add_argument("--check", action="store_true", help="only report stale notebooks; exit 1 if any")
    args = parser.parse_args(argv)
    stale = []
    for path, text in expected_notebooks(find_course_root()).items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(path)
            if not args.check:
                path.parent.mkdir(exist_ok=True)
                path.write_text(text, encoding="utf-8")
    for path in stale:
        print(f"{'stale' if args.check else 'written'}: {path}", file=sys.stdout)
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    raise SystemExit(main())
