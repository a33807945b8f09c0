"""Right answers written differently from the reference pass every check of their lesson.

A right answer lives in tests/right_answers/<lesson module>/<name>.py: a docstring saying how
it differs from the reference, then the function(s), appended to a copy of the reference
module as the catalogued mistakes are (tests/mistakes_harness.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mistakes_harness import run_checks_with

RIGHT_ANSWERS = sorted((Path(__file__).parent / "right_answers").glob("lesson_*/*.py"))


@pytest.mark.parametrize("answer", RIGHT_ANSWERS, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_a_right_answer_written_differently_passes_every_check(answer, tmp_path, pytester, heavy_libraries):
    assert answer.read_text(encoding="utf-8").startswith('"""'), f"{answer.name}: say how it differs"
    counts, output = run_checks_with(answer, tmp_path, pytester)
    assert counts.get("passed", 0) >= 1, output
    assert not {"failed", "error", "errors"} & set(counts), output
