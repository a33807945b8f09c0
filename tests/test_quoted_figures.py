"""The README's and the guide's times and accuracies come from bench/results, never typed by hand."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT
from mnist_course.course import quoted_figures
from mnist_course.course.quoted_figures import FIGURES, RESULTS, duration, stale, sync


@pytest.mark.parametrize("seconds, said", [(3, "about 5 seconds"), (48.7, "about 50 seconds"),
                                           (89, "about 90 seconds"), (93.7, "about 1.5 minutes"),
                                           (125, "about 2 minutes"), (172, "about 3 minutes")])  # fmt: skip
def test_a_wait_is_said_the_way_a_person_says_it(seconds, said):
    assert duration(seconds) == said


def test_every_figure_can_be_said_from_the_committed_results():
    result = quoted_figures.load_results(ROOT)
    for name in FIGURES:
        assert quoted_figures.said(name, result), name


def test_the_guide_and_readme_quote_the_latest_run():
    assert stale(ROOT) == []
    quoted = "".join(path.read_text() for path in quoted_figures.quoting_files(ROOT))
    for name in ("mlp-time", "mlp-accuracy", "cnn-time", "main-job", "slowest-checks"):
        assert f"<!-- figure {name} -->" in quoted, name


@pytest.fixture
def course(tmp_path):
    (tmp_path / RESULTS).parent.mkdir(parents=True)
    result = {"training": {"mlp": {"seconds": 48.2, "test_accuracy": 0.9901, "epochs": 15}}}
    (tmp_path / RESULTS).write_text(json.dumps(result))
    (tmp_path / "docs").mkdir()
    return tmp_path


def test_a_figure_typed_by_hand_is_caught_and_rewritten(course):
    page = course / "docs" / "setup.md"
    page.write_text("It trains in <!-- figure mlp-time -->two or three minutes<!-- /figure -->, to "
                    "<!-- figure mlp-accuracy -->99.0%<!-- /figure -->.\n")  # fmt: skip
    (problem,) = stale(course)
    assert "docs/setup.md" in problem and "'two or three minutes'" in problem and "'about 50 seconds'" in problem
    assert sync(course) == [page]
    assert page.read_text() == ("It trains in <!-- figure mlp-time -->about 50 seconds<!-- /figure -->, to "
                                "<!-- figure mlp-accuracy -->99.0%<!-- /figure -->.\n")  # fmt: skip
    assert stale(course) == [] and sync(course) == []


def test_an_unknown_or_unmeasured_figure_is_named_and_left_alone(course):
    readme = course / "README.md"
    text = ("<!-- figure mlp-speed -->fast<!-- /figure --> "
            "<!-- figure cnn-time -->about 1.5 minutes<!-- /figure -->\n")  # fmt: skip
    readme.write_text(text)
    problems = stale(course)
    assert any("unknown figure 'mlp-speed'" in p for p in problems)
    assert any("'cnn-time' is not in" in p for p in problems)
    sync(course)
    assert readme.read_text() == text
