"""The companion's checks on several cores: lessons shared out between children, results as one.

`mnist-course progress` runs the lessons in one child per core (issue 11, a fast loop).
The time limit, Ctrl-C and the order of the rows are covered by test_companion_time_limit
and test_companion_progress, which run on however many cores the machine has; here the
sharing itself, and that one child and two children give the same results.
"""

from __future__ import annotations

import tempfile

import pytest
from companion_course import copy_course, solve

from mnist_course.companion.runner import LESSON_COST, combined_status, run_checks, share_out
from mnist_course.course import LESSONS
from mnist_course.course.workspace import Workspace


def numbers(groups):
    return [[unit.number for unit in group] for group in groups]


def test_every_lesson_has_a_cost():
    assert set(LESSON_COST) == set(LESSONS)


@pytest.mark.parametrize("children", [1, 2, 3, 4, 8, 16])
def test_each_lesson_goes_to_exactly_one_child_in_lesson_order(children):
    groups = numbers(share_out(list(LESSONS.values()), children))
    assert len(groups) == min(children, len(LESSONS))
    assert sorted(number for group in groups for number in group) == list(LESSONS)
    assert all(group == sorted(group) for group in groups)


def test_two_children_get_about_the_same_work():
    costs = [sum(LESSON_COST[n] for n in group) for group in numbers(share_out(list(LESSONS.values()), 2))]
    assert max(costs) - min(costs) <= max(LESSON_COST.values()), costs


def test_a_single_lesson_or_core_is_one_child():
    units = list(LESSONS.values())
    assert numbers(share_out(units[:1], 4)) == [["01"]]
    assert numbers(share_out(units, 1)) == [list(LESSONS)]


def test_the_children_statuses_combine_as_one_run():
    assert combined_status([0, 0]) == 0
    assert combined_status([0, 1]) == 1
    assert combined_status([5, 1]) == 1
    assert combined_status([5, 0]) == 0  # one child had no tests, the other passed them all
    assert combined_status([5, 5]) == 5


@pytest.mark.slow
def test_two_children_report_what_one_child_reports(tmp_path):
    """Lessons 01-03 (no TensorFlow, a few seconds): one solved, one half done, one a stub."""
    course = copy_course(tmp_path / "course")
    solve(course, "01")
    solve(course, "03", ["label_counts"])
    units = [LESSONS[number] for number in ("01", "02", "03")]
    runs = {}
    for jobs in (1, 2):
        collected, seen = [], []
        run = run_checks(Workspace(course), units, jobs=jobs, on_collected=collected.append,
                         on_result=lambda result: seen.append(result.nodeid))  # fmt: skip
        runs[jobs] = run
        # The progress bar hears one total, for every child's checks, before it is full.
        assert collected == [sum(len(run.lessons[unit.number].results) for unit in units)]
        assert sorted(seen) == sorted(r.nodeid for unit in units for r in run.lessons[unit.number].results)
    one, two = runs[1], runs[2]
    assert list(two.lessons) == ["01", "02", "03"]
    assert one.exitstatus == two.exitstatus == 1
    for number in one.lessons:
        first, second = one.lessons[number], two.lessons[number]
        assert [(r.nodeid, r.outcome, r.message) for r in first.results] == [
            (r.nodeid, r.outcome, r.message) for r in second.results
        ]
    assert two.lessons["01"].all_pass and not two.lessons["02"].passed
    assert 0 < two.lessons["03"].passed < two.lessons["03"].total


def test_a_grade_runs_the_lessons_without_keras_on_a_light_zygote_of_their_own(tmp_path, monkeypatch):
    """Lessons 01-03 need no TensorFlow: their grader and workers come from a zygote that
    never imports it, so they are graded while the other zygote is still importing it."""
    from mnist_course.companion.runner import Grading, shared_zygotes
    from mnist_course.grading.remote import Zygote

    started = []
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the zygotes' socket folders
    monkeypatch.setattr(Zygote, "start_shared",
                        classmethod(lambda cls, address, folder, heavy=True: started.append(heavy) or f"zygote {heavy}"))
    units = list(LESSONS.values())
    groups, gradings, zygotes = shared_zygotes(Workspace(tmp_path), units, share_out(units, 2), Grading(7), None)
    assert numbers(groups)[0] == ["01", "02", "03"]
    assert sorted(number for group in numbers(groups)[1:] for number in group) == ["04", "05", "06", "07", "08"]
    assert len(groups) == 3 and started == [False, True]
    assert [grading.zygote for grading in gradings] == ["zygote False"] + ["zygote True"] * 2
    assert {grading.seed for grading in gradings} == {7}
    assert [address for _, address in zygotes] == [gradings[0].zygote_address, gradings[1].zygote_address]
    assert not any(unit.needs_keras for unit in groups[0])

    # Only light lessons, or only one child: one zygote, heavy only if some lesson needs Keras.
    started.clear()
    groups, _, _ = shared_zygotes(Workspace(tmp_path), units[:3], share_out(units[:3], 2), Grading(7), None)
    assert started == [False] and sorted(n for group in numbers(groups) for n in group) == ["01", "02", "03"]
    started.clear()
    groups, _, _ = shared_zygotes(Workspace(tmp_path), units, [units], Grading(7), None)
    assert started == [True] and numbers(groups) == [list(LESSONS)]
