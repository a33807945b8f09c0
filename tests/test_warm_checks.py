"""companion/warm.py: reruns forked from a zygote that has TensorFlow imported already.

Warm must only ever be faster, never different: the same results as a fresh child, a
fresh process again when the zygote is gone, and nothing left running once the session ends.
"""

from __future__ import annotations

import os

import pytest

from conftest import ROOT
from mnist_course.companion.runner import run_checks
from mnist_course.companion.warm import WarmChecks
from mnist_course.course import LESSONS
from mnist_course.course.workspace import Workspace
from mnist_course.grading.remote import Spawned

pytestmark = pytest.mark.skipif(os.name != "posix", reason="zygotes are POSIX only")

WORKSPACE = Workspace(ROOT)


def spied(warm: WarmChecks) -> list:
    """What each `warm.spawn` returned: a Spawned (forked from the zygote) or None."""
    returned = []
    spawn = warm.spawn

    def spy(*args):
        returned.append(spawn(*args))
        return returned[-1]

    warm.spawn = spy
    return returned


def outcomes(run, number: str) -> dict[str, str]:
    return {result.nodeid: result.outcome for result in run.lessons[number].results}


def test_a_rerun_is_forked_and_gives_what_a_fresh_child_gives(pristine_stubs):
    unit = LESSONS["04"]
    with WarmChecks(ROOT, start_now=True) as warm:  # importing while the fresh child runs
        fresh = outcomes(run_checks(WORKSPACE, [unit], impl=pristine_stubs), "04")
        spawned = spied(warm)
        on_stubs = outcomes(run_checks(WORKSPACE, [unit], impl=pristine_stubs, warm=warm), "04")
        on_solutions = outcomes(run_checks(WORKSPACE, [unit], impl=ROOT / "solutions", warm=warm), "04")
        assert all(isinstance(child, Spawned) for child in spawned), spawned
        zygote = warm.zygote.process
    assert on_stubs == fresh and "failed" in fresh.values()
    assert on_solutions.keys() == fresh.keys() and set(on_solutions.values()) == {"passed"}
    assert zygote.poll() is not None  # the session's end ends the zygote


def test_a_dead_zygote_costs_one_fresh_child_then_a_new_zygote_serves():
    unit = LESSONS["04"]
    with WarmChecks(ROOT, start_now=True) as warm:
        spawned = spied(warm)
        warm.zygote.process.kill()
        warm.zygote.process.wait()
        for _ in range(2):
            run = run_checks(WORKSPACE, [unit], impl=ROOT / "solutions", warm=warm)
            assert run.lessons["04"].all_pass and run.lessons["04"].total > 0
        assert spawned[0] is None and isinstance(spawned[1], Spawned), spawned


def test_lessons_without_keras_start_their_own_child_and_no_zygote():
    with WarmChecks(ROOT) as warm:
        spawned = spied(warm)
        run = run_checks(WORKSPACE, [LESSONS["01"]], impl=ROOT / "solutions", warm=warm)
        assert run.lessons["01"].all_pass
        assert spawned == [None] and warm.zygote is None
