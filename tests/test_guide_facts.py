"""Facts the guide states about the course, checked against the course itself (issue 23)."""

from __future__ import annotations

import re

from mnist_course.course import LESSONS

from conftest import ROOT

NUMBERS = {6: "Six", 7: "Seven", 8: "Eight", 9: "Nine", 10: "Ten"}


def test_the_lesson_index_counts_the_lessons_the_catalogue_has():
    index = (ROOT / "docs" / "lessons" / "index.md").read_text(encoding="utf-8")
    first = re.search(r"^(\w+) lessons take you", index, re.M)
    assert first and first.group(1) == NUMBERS[len(LESSONS)], first and first.group(0)


def test_the_guide_says_lesson_01_already_remembers_the_mnist_file():
    # lesson 01's load_mnist reads through mnist_course.training.data, which writes .course/mnist.json
    from mnist_course.training import data

    assert "remember" in (ROOT / "mnist_course" / "training" / "data.py").read_text(encoding="utf-8")
    setup = " ".join((ROOT / "docs" / "setup.md").read_text(encoding="utf-8").split())
    assert "(your lesson 01 `load_mnist` does" in setup and "the checks of lesson 02 do)" not in setup
    assert callable(data.read_mnist_file)
