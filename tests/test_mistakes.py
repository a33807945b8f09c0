"""The catalogue of realistic learner mistakes: each is caught by its check, with its hint.

A mistake lives in tests/mistakes/<lesson module>/<name>.py: a docstring saying what the
learner did, `CAUGHT_BY` (the check that must fail), `HINT` (words the failure must show),
then the broken function(s). The harness appends them to a copy of the reference module,
so they replace the correct versions, and runs that lesson's check against the copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mnist_course.course.dev import check_mistakes, lesson_of_mistake, mistake_facts

from conftest import ROOT

MISTAKES_DIR = Path(__file__).parent / "mistakes"
MISTAKES = sorted(MISTAKES_DIR.glob("lesson_*/*.py"))


def test_the_catalogue_is_substantial():
    assert len(MISTAKES) >= 15
    assert check_mistakes(ROOT) == []


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
    meta = mistake_facts(mistake)
    lesson = lesson_of_mistake(mistake)
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
