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


def test_the_guide_says_who_remembers_the_mnist_file(tmp_path, monkeypatch):
    # The course's own loader notes the file in .course/mnist.json; the learner's lesson 01,
    # which reads with read_mnist_file, does not (the guide once said it did).
    import os

    from mnist_course.course import load_lesson
    from mnist_course.course.workspace import Workspace
    from mnist_course.training import data

    course = tmp_path / "course"
    (course / ".course").mkdir(parents=True)
    memory = Workspace(course).mnist_memory
    monkeypatch.chdir(course)
    load_lesson(ROOT / "solutions", "01").load_mnist(os.environ["MNIST_PATH"])
    assert not memory.exists()
    data.load_mnist_data(root=course)
    assert memory.is_file()
    setup = " ".join((ROOT / "docs" / "setup.md").read_text(encoding="utf-8").split())
    assert "Once the course's own tools have loaded MNIST from a file" in setup
    assert "your lesson 01 `load_mnist` does" not in setup


def check_it_paragraphs(uri: str) -> list[str]:
    """The prose paragraphs of a lesson page's 'Check it' section, as the guide is generated
    (directives expanded), without code blocks, admonitions and directives."""
    from mnist_course.docs_build import directives

    markdown = directives.expand(directives.Course(), (ROOT / "docs" / uri).read_text(encoding="utf-8"), uri)
    section = re.search(r"^## Check it\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert section, f"{uri} has no '## Check it' section"
    text = re.sub(r"^(```|~~~).*?^\1\s*$", "", section.group(1), flags=re.M | re.S)  # code blocks
    paragraphs = [block for block in re.split(r"\n\s*\n", text) if block.strip()]
    return [block for block in paragraphs
            if not block.strip("\n").startswith(("    ", "\t"))  # inside an admonition or a list item
            and not block.lstrip().startswith(("<!--", "???", "!!!", "|", "**Next:**"))]


CONTINUATION = {"and", "but", "or", "so", "then", "which", "that", "because", "feed", "feeds", "with"}


def test_every_check_it_section_starts_with_a_whole_sentence():
    # lesson 07's once began " feed your functions ...": the end of a sentence whose start an
    # edit had taken away.
    for unit in LESSONS.values():
        paragraphs = check_it_paragraphs(unit.page)
        assert paragraphs, f"{unit.page}: 'Check it' says nothing about what the checks do"
        for paragraph in paragraphs:
            first = paragraph.split()[0]
            assert not paragraph[0].isspace() and first[0].isupper() and first.lower() not in CONTINUATION, (
                f"{unit.page}, 'Check it': a paragraph begins mid-sentence: {paragraph[:80]!r}")
