"""The guide loses nothing on the way: every generated part is in the site, whichever builder made it.

A site builder skips what it does not run without a word: Zensical, given our old MkDocs hook
and plugins, built a site without tasks, hints, solutions, figures or API reference, and said
"No issues found". So `python -m mnist_course.docs_build generate` writes everything as plain
Markdown and PNGs beforehand, and `mnist_course.docs_build.complete` reads the built HTML for
every part the pages ask for (a hint, a task list, a solution block, a figure, a reference
entry, the lesson map, a Colab link, a stub message).

1. Both builders (Zensical, the default, and MkDocs 1.x) build the generated pages with
   `--strict`, once per session each (`conftest.py`), and the check finds everything.
2. The check is not blind: a build of the pages as written (no generation, as Zensical did
   with the hook) and a build of generated pages with one part of each kind taken out are
   both reported, part by part.

Needs MNIST (`MNIST_PATH`) the first time, to draw the figures (cached in .course/docs-figures/).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from mnist_course.course import LESSONS
from mnist_course.docs_build import DocsError, build, copy_generated
from mnist_course.docs_build.complete import missing
from mnist_course.docs_build.directives import ANY_DIRECTIVE

from conftest import ROOT, need

pytestmark = pytest.mark.slow


def test_generated_pages_are_plain_markdown(generated_docs):
    pages = sorted(generated_docs.rglob("*.md"))
    assert {page.relative_to(generated_docs).as_posix() for page in pages} == {
        page.relative_to(ROOT / "docs").as_posix() for page in (ROOT / "docs").rglob("*.md")
    } | {"reference.md"}
    for page in pages:
        leftover = ANY_DIRECTIVE.search(page.read_text(encoding="utf-8"))
        assert leftover is None, f"{page.name}: {leftover.group(0)} was not expanded"
    assert not list(generated_docs.rglob("*.py")), "the build's Python is not a page"
    assert len(list((generated_docs / "figures").glob("*.png"))) >= 12


@pytest.mark.parametrize("builder", ["zensical", "mkdocs"])
def test_every_generated_part_is_in_the_site(builder, request):
    site = request.getfixturevalue(f"{builder}_site")
    assert missing(ROOT, site) == []


def build_loosely(project: Path) -> Path:
    """Zensical without --strict: a link to a part taken out must not stop the build here."""
    need("zensical")
    try:
        return build("zensical", ROOT, project, strict=False)
    except DocsError as error:
        pytest.fail(str(error))


def test_a_site_built_from_the_pages_as_written_is_reported(tmp_path):
    """What Zensical made of our MkDocs hook and plugins: no error, and none of the parts."""
    shutil.copytree(ROOT / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    problems = "\n".join(missing(ROOT, build_loosely(tmp_path)))
    for wanted in [
        "lessons/02-prepare.md: task normalize: no heading #normalize",
        "lessons/02-prepare.md: check 02: the command 'pytest checks/lesson_02' is not shown",
        "lessons/02-prepare.md: solution 02: no 'The whole reference module' block",
        "lessons/02-prepare.md: no 'Open this lesson as a notebook in Google Colab' link",
        "lessons/index.md: lesson map: no row linking to lesson 01",
        "index.md: figure figures/hero.png: figures/hero.png is not a PNG in the site",
        "how-it-works.md: stub message 02 normalize:",
        "reference.md: not built",
    ]:
        assert wanted in problems, f"{wanted!r} not reported in:\n{problems}"


def cut(path: Path, pattern: str) -> None:
    """Take the first match of `pattern` (multi-line) out of a generated page."""
    text = path.read_text(encoding="utf-8")
    shorter, count = re.subn(pattern, "", text, count=1, flags=re.M)
    assert count == 1, f"{pattern!r} is not in {path.name}"
    path.write_text(shorter, encoding="utf-8")


BLOCK = r"(?:(?:    .*)?\n)*"  # the indented lines of an admonition, blank lines included


def test_each_part_taken_out_is_reported(generated_docs, tmp_path):
    docs = copy_generated(generated_docs, tmp_path)
    cut(docs / "lessons/02-prepare.md", rf'^\?\?\? tip "Hint 2 · the idea"\n{BLOCK}')  # normalize's
    cut(docs / "lessons/03-explore.md", rf'^\?\?\? success "The whole reference module.*\n{BLOCK}')
    cut(docs / "lessons/05-train.md", r'^```bash title="Check lesson 05"\n.*\n```\n')
    cut(docs / "lessons/01-load.md", r"^\[Open this lesson as a notebook in Google Colab\].*\n")
    cut(docs / "lessons/index.md", r"^\| \[05 · .*\n")  # one row of the lesson map
    cut(docs / "how-it-works.md", r"^```text\nLesson 02 .*\n(?:.*\n)*?```\n")  # the stub message
    cut(docs / "reference.md", r"^### `accuracy\(.*\n(?:(?!### ).*\n)*")
    cut(docs / "lessons/04-model.md", r"^\?\?\? success \"Reference solution · `augment`.*\n" + BLOCK)
    (docs / "figures" / "confusion.png").unlink()
    problems = missing(ROOT, build_loosely(tmp_path))
    assert sorted(problems) == sorted([
        "lessons/02-prepare.md: task normalize: no tip 'Hint 2 · the idea'",
        "lessons/03-explore.md: solution 03: no 'The whole reference module' block with its code",
        "lessons/05-train.md: check 05: the command 'pytest checks/lesson_05' is not shown",
        "lessons/01-load.md: no 'Open this lesson as a notebook in Google Colab' link",
        f"lessons/index.md: lesson map: no row linking to lesson 05 ({LESSONS['05'].page})",
        "how-it-works.md: stub message 02 normalize: 'Lesson 02 · Prepare the data · normalize() "
        "is not implemented yet.' is not shown",
        "reference.md: no entry #lesson_06_evaluate.accuracy",
        "lessons/04-model.md: task augment: no reference solution block with def augment(...)",
        "lessons/06-evaluate.md: figure ../figures/confusion.png: figures/confusion.png is not a PNG in the site",
    ]), "\n".join(problems)


@pytest.mark.parametrize("shaping", ["mnist_course/training/pipeline.py", "mnist_course/pictures/digit_tools.py",
                                     "solutions/lesson_07_predict.py"])  # fmt: skip
def test_the_figures_are_drawn_again_when_the_code_that_shapes_them_changes(tmp_path, monkeypatch, shaping):
    """The guide's figures train with the course's pipeline and read with lesson 07's helpers:
    a change there (smoothed labels, a new stroke width) must not leave yesterday's figures."""
    from mnist_course.docs_build import figures

    for folder in ("solutions", "examples", "mnist_course/training", "mnist_course/pictures"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    monkeypatch.setattr(figures, "ROOT", tmp_path)
    before = figures.cache_key()
    assert figures.cache_key() == before  # nothing changed, nothing drawn again
    with open(tmp_path / shaping, "a") as source:
        source.write("\n# changed\n")
    assert figures.cache_key() != before
