"""The harness of the catalogue of realistic learner mistakes (tests/test_mistakes*.py).

A mistake lives in tests/mistakes/<lesson module>/<name>.py: a docstring saying what the
learner did, `CAUGHT_BY` (the check that must fail), `HINT` (words its failure must show),
then the broken function(s). The harness appends them to a copy of the reference module,
so they replace the correct versions, and runs that lesson's check against the copy.

Each lesson's mistakes are a test file of their own, tests/test_mistakes_lesson_NN.py, so
that pytest-xdist (`--dist loadfile`) can share the catalogue between its workers;
tests/test_mistakes.py checks the catalogue itself and that every lesson in it has its file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from mnist_course.course import LESSONS
from mnist_course.course.dev import lesson_of_mistake, mistake_facts

ROOT = Path(__file__).resolve().parents[1]
MISTAKES_DIR = Path(__file__).parent / "mistakes"
MISTAKES = sorted(MISTAKES_DIR.glob("lesson_*/*.py"))


def lesson_test_file(number: str) -> Path:
    """The test file that runs lesson `number`'s mistakes."""
    return Path(__file__).parent / f"test_mistakes_lesson_{number}.py"


def mistakes_of(number: str) -> list[Path]:
    """Lesson `number`'s catalogued mistakes."""
    return sorted(MISTAKES_DIR.glob(f"{LESSONS[number].module}/*.py"))


def mistake_id(path: Path) -> str:
    return path.stem


def run_checks_with(code: Path, tmp_path: Path, pytester, *options: str):
    """The lesson's checks run on a copy of the reference with `code` appended to the lesson's
    module (so its functions replace the reference's). Returns (outcome counts, output)."""
    lesson = lesson_of_mistake(code)
    impl = tmp_path / "impl"
    shutil.copytree(ROOT / "solutions", impl, ignore=shutil.ignore_patterns("__pycache__"))
    target = impl / lesson.filename
    target.write_text(
        target.read_text(encoding="utf-8")
        + f"\n\n# --- {code.parent.parent.name}: {code.stem} ---\n"
        + code.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    result = pytester.runpytest_inprocess(
        str(ROOT / "checks" / f"lesson_{lesson.number}"), "--impl", str(impl), "-p", "no:cacheprovider", *options
    )
    return result.parseoutcomes(), "\n".join(result.outlines + result.errlines)


def check_catches(mistake: Path, tmp_path: Path, pytester) -> None:
    """The mistake's CAUGHT_BY check fails on it, its failure shows HINT, and no traceback."""
    meta = mistake_facts(mistake)
    counts, output = run_checks_with(mistake, tmp_path, pytester, "-k", meta["CAUGHT_BY"])
    assert counts.get("failed", 0) + counts.get("errors", 0) + counts.get("error", 0) >= 1, output
    assert meta["HINT"].lower() in output.lower(), output
    assert "Traceback" not in output, output
