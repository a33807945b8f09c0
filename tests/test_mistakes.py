"""The catalogue of realistic learner mistakes: each is caught by its check, with its hint.

A mistake lives in tests/mistakes/<lesson module>/<name>.py: a docstring saying what the
learner did, `CAUGHT_BY` (the check that must fail), `HINT` (words the failure must show),
then the broken function(s). The harness appends them to a copy of the reference module,
so they replace the correct versions, and runs that lesson's check against the copy.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from mnist_course.course import LESSONS

from conftest import ROOT

MISTAKES_DIR = Path(__file__).parent / "mistakes"
MISTAKES = sorted(MISTAKES_DIR.glob("lesson_*/*.py"))


def constants(path: Path) -> dict:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = {"doc": ast.get_docstring(tree)}
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") in {"CAUGHT_BY", "HINT"}:
            found[node.targets[0].id] = ast.literal_eval(node.value)
    return found


def lesson_for(mistake: Path):
    module = mistake.parent.name
    matches = [lesson for lesson in LESSONS.values() if lesson.module == module]
    assert matches, f"{mistake}: folder must be named after a lesson module"
    return matches[0]


def check_functions(number: str) -> set[str]:
    names = set()
    for path in (ROOT / "checks" / f"lesson_{number}").glob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names |= {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    return names


def test_the_catalogue_is_substantial():
    assert len(MISTAKES) >= 15
    for mistake in MISTAKES:
        meta = constants(mistake)
        assert meta["doc"], f"{mistake.name}: say what the learner did in a docstring"
        assert meta.get("HINT"), f"{mistake.name}: HINT missing"
        lesson = lesson_for(mistake)
        assert meta.get("CAUGHT_BY") in check_functions(lesson.number), (
            f"{mistake.name}: CAUGHT_BY {meta.get('CAUGHT_BY')!r} is not a check of lesson "
            f"{lesson.number}"
        )


@pytest.fixture(scope="session")
def heavy_libraries():
    """Import the big libraries once, before pytester snapshots sys.modules.

    pytester removes modules a nested run imported; TensorFlow cannot be imported twice
    in one process, so it must already be here when the first nested run starts.
    """
    import cv2  # noqa: F401
    import keras  # noqa: F401
    import matplotlib.pyplot  # noqa: F401
    import pandas  # noqa: F401
    import seaborn  # noqa: F401
    import sklearn.metrics  # noqa: F401
    import sklearn.model_selection  # noqa: F401


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda path: f"{path.parent.name[:9]}-{path.stem}")
def test_mistake_is_caught_with_its_hint(mistake, tmp_path, pytester, heavy_libraries):
    meta = constants(mistake)
    lesson = lesson_for(mistake)
    impl = tmp_path / "impl"
    shutil.copytree(ROOT / "solutions", impl, ignore=shutil.ignore_patterns("__pycache__"))
    target = impl / lesson.filename
    target.write_text(
        target.read_text(encoding="utf-8")
        + f"\n\n# --- mistake: {mistake.stem} ---\n"
        + mistake.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    result = pytester.runpytest_inprocess(
        str(ROOT / "checks" / f"lesson_{lesson.number}"),
        "--impl",
        str(impl),
        "-k",
        meta["CAUGHT_BY"],
        "-p",
        "no:cacheprovider",
    )
    output = "\n".join(result.outlines + result.errlines)
    counts = result.parseoutcomes()
    assert counts.get("failed", 0) + counts.get("errors", 0) + counts.get("error", 0) >= 1, output
    assert meta["HINT"].lower() in output.lower(), output
    assert "Traceback" not in output, output
