"""Small first steps: every function a learner writes is short, and the first one shortest.

A function's reference size is the number of non-blank, non-comment lines between its
`# BEGIN SOLUTION` and `# END SOLUTION` markers in solutions/. Limits (issue 10, item 1):
at most 20 lines each, a median of at most 8 over the whole course, and at most 5 for the
course's first exercise, so the first green check comes within minutes of cloning.
"""

from __future__ import annotations

import statistics

import pytest

from mnist_course.course import LESSONS
from mnist_course.course.stubs import BEGIN, END, function_source, solution_functions

from conftest import ROOT

MOST_LINES = 20
MOST_MEDIAN = 8
MOST_FIRST = 5


def reference_size(source: str) -> int:
    """Non-blank, non-comment lines inside the solution blocks of one function's source."""
    inside, count = False, 0
    for line in source.splitlines():
        text = line.strip()
        if text == BEGIN:
            inside = True
        elif text == END:
            inside = False
        elif inside and text and not text.startswith("#"):
            count += 1
    return count


def all_sizes() -> dict[tuple[str, str], int]:
    """(lesson number, function) -> reference size, in course order."""
    sizes = {}
    for number, unit in LESSONS.items():
        source = (ROOT / "solutions" / unit.filename).read_text(encoding="utf-8")
        for name in solution_functions(source):
            sizes[(number, name)] = reference_size(function_source(source, name))
    return sizes


SIZES = all_sizes()


def test_the_counter_counts_code_only():
    source = f"def f():\n    {BEGIN}\n    x = 1\n\n    # why\n    return x\n    {END}\n"
    assert reference_size(source) == 2


def cases():
    for number, name in SIZES:
        yield pytest.param(number, name, id=f"{number}-{name}")


@pytest.mark.parametrize("number, name", cases())
def test_each_function_is_a_small_step(number, name):
    size = SIZES[(number, name)]
    assert size <= MOST_LINES, (
        f"lesson {number} {name}() is {size} reference lines (limit {MOST_LINES}): split it into "
        "steps the learner writes one at a time, or move the machinery into course code"
    )


def test_the_median_step_is_small():
    median = statistics.median(SIZES.values())
    assert median <= MOST_MEDIAN, f"median reference size {median} (limit {MOST_MEDIAN}): {SIZES}"


def test_the_first_exercise_is_tiny():
    first = next(iter(SIZES))
    assert SIZES[first] <= MOST_FIRST, (
        f"the course's first exercise, lesson {first[0]} {first[1]}(), is {SIZES[first]} lines "
        f"(limit {MOST_FIRST}): the first green check must come within minutes"
    )
