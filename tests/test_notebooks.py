"""The notebook edition: generated from the course's source, and checked in place with the same checks.

1. `notebooks/` is what the generator makes (like `lessons/` for the stubs), one task per
   function the learner writes, no outputs, stable cell ids.
2. Every notebook runs top to bottom in a real Jupyter kernel (nbclient), in a scratch copy
   of the course: as generated (stubs), each check cell shows its teaching message and no
   cell errors; then, in the same kernel as a learner would, with the reference code in the
   function cells, every check cell is green and the functions land in `lessons/` (so
   `mnist-course progress` counts them).
3. A catalogued mistake typed into lesson 02's notebook is caught with the same message as
   `pytest checks/lesson_02 --impl` gives for the same mistake.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

from mnist_course.course import LESSONS  # noqa: E402
from mnist_course.notebooks.in_notebook import notebook_message  # noqa: E402
from mnist_course.notebooks.build import (  # noqa: E402
    colab_url,
    dependencies_besides_tensorflow,
    expected_notebooks,
    notebook_name,
    repository_url,
)
from mnist_course.course.stubs import BEGIN, END, function_source, solution_functions  # noqa: E402

from conftest import ROOT  # noqa: E402
from companion_course import copy_course  # noqa: E402

NUMBERS = list(LESSONS)


def read(path: Path):
    return nbformat.read(path, as_version=4)


def execute(notebook, course: Path, *then, timeout: int = 900):
    """Run every cell in one fresh kernel, from the course's notebooks/ folder; return the notebook.

    Each notebook in `then` runs after it in the same kernel, as a learner runs a notebook,
    writes in it and runs it again (their cells' outputs are filled in too).
    """
    client = nbclient.NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,  # an error is asserted on below, with the cell that raised it
        resources={"metadata": {"path": str(course / "notebooks")}},
    )
    with client.setup_kernel():
        for run in (notebook, *then):
            client.nb = run
            for index, cell in enumerate(run.cells):
                client.execute_cell(cell, index)
    return notebook


def errors(notebook) -> list[str]:
    return [
        f"{cell.source[:60]!r}: {output.ename}: {output.evalue}"
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]


def text_of(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        data = output.get("data", {})
        parts += [data.get("text/plain", ""), data.get("text/html", "")]
    return "\n".join(part for part in parts if part)


def check_cells(notebook) -> dict[str, object]:
    """check("name") cells by name, and check() as "" (the whole lesson)."""
    found = {}
    for cell in notebook.cells:
        match = re.fullmatch(r'check\((?:"(\w+)")?\)', cell.source.strip())
        if cell.cell_type == "code" and match:
            found[match.group(1) or ""] = cell
    return found


def try_it_cells(notebook) -> list:
    return [cell for cell in notebook.cells if cell.get("id", "").endswith("-try-it")]


def reference_function(number: str, name: str) -> str:
    source = (ROOT / "solutions" / LESSONS[number].filename).read_text(encoding="utf-8")
    text = function_source(source, name)
    return "".join(line for line in text.splitlines(keepends=True) if line.strip() not in {BEGIN, END})


def fill(notebook, functions: dict[str, str]):
    """Put new code into the cells that define the named functions (as a learner would type it)."""
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        defined = [
            node.name for node in ast.parse(_python(cell.source)).body if isinstance(node, ast.FunctionDef)
        ]
        if len(defined) == 1 and defined[0] in functions:
            cell.source = functions[defined[0]]
    return notebook


def _python(source: str) -> str:
    return "\n".join("" if line.startswith("%") else line for line in source.splitlines())


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A scratch copy of the course (lessons/ as fresh stubs): notebooks write into its lessons/."""
    return copy_course(tmp_path_factory.mktemp("notebook-course") / "course")


# --- 1. Generated, never hand-edited ------------------------------------------------------------


def test_committed_notebooks_match_the_generator():
    stale = [
        path.name
        for path, text in expected_notebooks(ROOT).items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]
    assert not stale, f"regenerate with `python -m mnist_course.notebooks.build`: {stale}"


@pytest.mark.parametrize("number", NUMBERS)
def test_notebook_has_a_task_and_a_check_per_function_and_no_outputs(number):
    unit = LESSONS[number]
    notebook = read(ROOT / "notebooks" / notebook_name(unit))
    nbformat.validate(notebook)
    functions = solution_functions((ROOT / "solutions" / unit.filename).read_text(encoding="utf-8"))
    assert list(check_cells(notebook)) == [*functions, ""]
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code)
    ids = [cell.id for cell in notebook.cells]
    assert len(set(ids)) == len(ids)
    setup = code[0].source
    assert "%matplotlib inline" in setup and f'start("{number}")' in setup
    assert repository_url(ROOT) in setup  # the Colab set-up clones the one address in pyproject
    assert colab_url(repository_url(ROOT), unit) in notebook.cells[0].source
    assert "matplotlib.use(" not in code[1].source  # plots stay inline
    for name in functions:
        stub = next(cell for cell in code if cell.source.startswith(f"def {name}("))
        assert f"{name}() is not implemented yet" in stub.source


def installs(setup: str, monkeypatch, tensorflow_present: bool) -> list[list[str]]:
    """The pip commands the set-up cell runs where the course is not installed (Colab)."""
    import importlib.util
    import os

    commands = []
    real_find_spec = importlib.util.find_spec
    present = {"mnist_course": False, "tensorflow": tensorflow_present}
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: object() if present.get(name) else None if name in present
                        else real_find_spec(name, *a))  # fmt: skip
    monkeypatch.setattr(os.path, "isdir", lambda path: True)  # the clone is there already
    monkeypatch.setattr(subprocess, "run", lambda command, **kw: commands.append(command))
    monkeypatch.setattr(sys, "path", list(sys.path))
    exec(setup.partition("%matplotlib")[0], {})  # the install part, before the notebook's magic
    return [command[command.index("install") + 1:] for command in commands]


def test_colab_set_up_keeps_colabs_tensorflow(monkeypatch):
    """In Colab (TensorFlow already there) the course comes without its TensorFlow requirement.

    `tensorflow-cpu` (the course's choice on Linux x86-64) would overwrite Colab's
    `tensorflow`, the build with the GPU: the course is installed with --no-deps, then its
    other dependencies, read from pyproject.toml.
    """
    setup = read(ROOT / "notebooks" / notebook_name(LESSONS["04"])).cells[1].source
    others = dependencies_besides_tensorflow(ROOT)
    assert others and not any("tensorflow" in requirement for requirement in others)
    assert "keras>=3.14" in others and "numpy>=1.26" in others
    assert installs(setup, monkeypatch, tensorflow_present=True) == [
        ["--quiet", "--no-deps", "-e", "mnist-course"],
        ["--quiet", *others],
    ]
    # Where there is no TensorFlow at all (a bare Jupyter), the course brings its own.
    assert installs(setup, monkeypatch, tensorflow_present=False) == [["--quiet", "-e", "mnist-course"]]


# --- 2. Executed: stubs give teaching messages, the reference goes green -----------------------


@pytest.mark.slow
@pytest.mark.parametrize("number", NUMBERS)
def test_a_notebook_teaches_as_generated_then_goes_green_and_saves_once_written(number, course):
    """As a learner meets it: the notebook run as generated (every check cell teaches), then
    the reference typed into its function cells and run again in the same kernel (every check
    cell green, the functions saved into lessons/)."""
    unit = LESSONS[number]
    functions = solution_functions((ROOT / "solutions" / unit.filename).read_text(encoding="utf-8"))
    reference = {name: reference_function(number, name) for name in functions}
    generated = read(course / "notebooks" / notebook_name(unit))
    written = fill(read(course / "notebooks" / notebook_name(unit)), reference)
    execute(generated, course, written)

    assert not errors(generated), errors(generated)
    for name, cell in check_cells(generated).items():
        shown = text_of(cell)
        assert "NOT YET" in shown and "is not implemented yet" in shown, (name, shown)
        assert "Traceback" not in shown
        assert 'hint("' in shown and f"docs/{unit.page}" in shown
    for cell in try_it_cells(generated):
        assert "write them above first" in text_of(cell)

    assert not errors(written), errors(written)
    for name, cell in check_cells(written).items():
        shown = text_of(cell)
        assert shown.startswith("PASSED") or "\nPASSED" in shown, (name, shown)
        assert "mnist-course-ok" in shown  # the green box
    for cell in try_it_cells(written):  # figures inline; Keras' progress bar while training
        images = [output for output in cell.outputs if "image/png" in output.get("data", {})]
        assert len(images) >= 1, text_of(cell)
        if number == "05":
            assert "Epoch 3/3" in text_of(cell)
    saved = (course / "lessons" / unit.filename).read_text(encoding="utf-8")
    for name, text in reference.items():
        assert function_source(saved, name).strip() == text.strip(), name


# --- 3. The same checks, the same message ---------------------------------------------------------

MISTAKE = ROOT / "tests" / "mistakes" / "lesson_02_prepare" / "forgot_to_divide_by_255.py"


def mistake_meta(path: Path) -> dict:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    meta = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") in {"CAUGHT_BY", "HINT"}:
            meta[node.targets[0].id] = ast.literal_eval(node.value)
    return meta


def test_a_catalogued_mistake_gets_the_same_message_in_the_notebook_as_from_pytest(tmp_path, course):
    unit = LESSONS["02"]
    meta = mistake_meta(MISTAKE)
    mistaken = function_source(MISTAKE.read_text(encoding="utf-8"), "normalize")

    # What `pytest checks/lesson_02 --impl DIR` says, DIR holding the reference with the mistake.
    impl = tmp_path / "impl"
    shutil.copytree(ROOT / "solutions", impl, ignore=shutil.ignore_patterns("__pycache__"))
    target = impl / unit.filename
    target.write_text(target.read_text(encoding="utf-8") + "\n\n" + mistaken, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "checks/lesson_02", "--impl", str(impl), "-k", meta["CAUGHT_BY"],
         "-p", "no:cacheprovider", "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(f"{unit.label} · normalize()"))
    last = next(i for i in range(first, len(lines)) if lines[i].strip().startswith("stuck?"))
    from_pytest = "\n".join(lines[first : last + 1])
    assert meta["HINT"] in from_pytest

    # The same mistake typed into the notebook's normalize cell, then its check cell run.
    notebook = read(course / "notebooks" / notebook_name(unit))
    notebook.cells = notebook.cells[: notebook.cells.index(check_cells(notebook)["normalize"]) + 1]
    notebook = execute(fill(notebook, {"normalize": mistaken}), course)
    assert not errors(notebook), errors(notebook)
    shown = text_of(check_cells(notebook)["normalize"])
    assert shown.startswith("NOT YET"), shown
    assert notebook_message(from_pytest, unit) in shown, (from_pytest, shown)
    assert "Traceback" not in shown


# --- 4. Hints, the reference, and the learner's own notebooks ------------------------------------


def test_hint_goes_one_level_deeper_and_solution_waits_for_a_passing_check(course):
    unit = LESSONS["02"]
    notebook = read(course / "notebooks" / notebook_name(unit))
    cells = notebook.cells[: notebook.cells.index(check_cells(notebook)["normalize"])]
    wrong = "def normalize(images):\n    return images\n"
    right = reference_function("02", "normalize")
    new = nbformat.v4.new_code_cell
    notebook.cells = [
        *cells, new('hint("normalize")'), new('hint("normalize")'),
        new(wrong), new('solution("normalize")'), new(right), new('solution("normalize")'),
    ]
    state = course / ".course" / "hints.json"
    state.unlink(missing_ok=True)
    notebook = execute(notebook, course)
    assert not errors(notebook), errors(notebook)
    first_hint, second_hint, _, refused, _, shown = (text_of(cell) for cell in notebook.cells[-6:])
    assert "Hint 1 of 3" in first_hint and "Hint 2 of 3" not in first_hint
    assert "Hint 2 of 3" in second_hint and 'hint("normalize")' in second_hint
    assert '"normalize": 2' in state.read_text(encoding="utf-8")  # the CLI's memory, shared
    assert "stays hidden" in refused and "255" not in refused
    assert "same as the reference" in shown and "np.float32(255.0)" in shown


def test_learner_notebooks_start_from_lessons_and_are_never_overwritten(tmp_path):
    scratch = copy_course(tmp_path / "course")
    unit = LESSONS["02"]
    lesson_file = scratch / "lessons" / unit.filename
    mine = "def normalize(images):\n    return images / 255.0  # mine\n"
    source = lesson_file.read_text(encoding="utf-8")
    from mnist_course.notebooks.in_notebook import replace_functions

    lesson_file.write_text(replace_functions(source, {"normalize": mine}), encoding="utf-8")
    command = [sys.executable, "-m", "mnist_course.cli", "notebooks", "--build-only"]
    made = subprocess.run(command, cwd=scratch, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    path = scratch / ".course" / "notebooks" / notebook_name(unit)
    cells = [cell.source for cell in read(path).cells]
    assert mine.strip() in cells  # written in the file: in the notebook too
    assert any(cell.startswith("def reshape_for_model(") and "not implemented yet" in cell for cell in cells)

    path.write_text(path.read_text(encoding="utf-8").replace("# mine", "# edited in the notebook"), encoding="utf-8")
    again = subprocess.run(command, cwd=scratch, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "edited in the notebook" in path.read_text(encoding="utf-8")

    rebuilt = subprocess.run([*command, "--rebuild", "02"], cwd=scratch, capture_output=True, text=True, timeout=120)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "# mine" in path.read_text(encoding="utf-8")
    kept = list((scratch / ".course" / "backups" / "notebooks").glob("lesson_02_prepare-*.ipynb"))
    assert len(kept) == 1 and "edited in the notebook" in kept[0].read_text(encoding="utf-8")


def test_what_a_function_uses_from_other_cells_goes_with_it_into_the_checks_and_lessons(course):
    unit = LESSONS["02"]
    notebook = read(course / "notebooks" / notebook_name(unit))
    cells = notebook.cells[: notebook.cells.index(check_cells(notebook)["normalize"])]
    new = nbformat.v4.new_code_cell
    mine = "def normalize(images):\n    return scale(np.asarray(images, dtype=np.float32)) * math.cos(0)\n"
    notebook.cells = [
        *cells, new("import math\nSCALE = 255.0"), new("def scale(x):\n    return x / np.float32(SCALE)"),
        new(mine), new('check("normalize")'),
    ]
    notebook = execute(fill(notebook, {"normalize": mine}), course)
    assert not errors(notebook), errors(notebook)
    assert text_of(notebook.cells[-1]).startswith("PASSED"), text_of(notebook.cells[-1])
    saved = (course / "lessons" / unit.filename).read_text(encoding="utf-8")
    assert "import math\n" in saved and "SCALE = 255.0" in saved and "def scale(x):" in saved
    # The file the notebook wrote passes the same checks in the terminal: the progress is real.
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "checks/lesson_02", "-k", "normalize", "-q", "-p", "no:cacheprovider"],
        cwd=course, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_without_jupyterlab_the_command_says_how_to_install_it(tmp_path, monkeypatch):
    import importlib.util

    from mnist_course.course import CourseError
    from mnist_course.notebooks import learner_copies

    scratch = copy_course(tmp_path / "course")
    monkeypatch.chdir(scratch)
    real = importlib.util.find_spec
    monkeypatch.setattr(learner_copies.importlib.util, "find_spec", lambda name: None if name == "jupyterlab" else real(name))
    with pytest.raises(CourseError, match=r'pip install -e "\.\[notebook\]"'):  # one line, exit 2, in the CLI
        learner_copies.open_notebooks()
    assert (scratch / ".course" / "notebooks" / notebook_name(LESSONS["02"])).is_file()  # made before
