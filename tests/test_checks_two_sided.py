"""Every learner check passes on the reference and fails, with a teaching message, on the stubs."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET

import pytest

from conftest import ROOT, run_learner_checks


def outcomes(junit_file) -> dict[str, str]:
    """test id -> 'passed' | 'failed' | 'error' | 'skipped', from a JUnit XML report."""
    results = {}
    for case in ET.parse(junit_file).iter("testcase"):
        test_id = f"{case.get('classname')}::{case.get('name')}"
        kinds = [child.tag for child in case if child.tag in {"failure", "error", "skipped"}]
        results[test_id] = {"failure": "failed"}.get(kinds[0], kinds[0]) if kinds else "passed"
    return results


def lesson_of(test_id: str) -> str:
    return test_id.split("lesson_")[1][:2]


@pytest.fixture(scope="module")
def on_solutions(tmp_path_factory):
    report = tmp_path_factory.mktemp("junit") / "solutions.xml"
    run = run_learner_checks("checks", "--solutions", f"--junitxml={report}", "-q")
    return run, outcomes(report)


@pytest.fixture(scope="module")
def on_stubs(tmp_path_factory, pristine_stubs):
    report = tmp_path_factory.mktemp("junit") / "stubs.xml"
    run = run_learner_checks("checks", "--impl", str(pristine_stubs), f"--junitxml={report}")
    return run, outcomes(report)


def test_every_check_passes_on_the_solutions(on_solutions, lesson_numbers):
    run, results = on_solutions
    not_passed = {test: outcome for test, outcome in results.items() if outcome != "passed"}
    assert run.returncode == 0 and not not_passed, run.stdout[-4000:]
    assert {lesson_of(test) for test in results} == set(lesson_numbers)


def test_every_check_fails_on_the_stubs(on_stubs, on_solutions):
    run, results = on_stubs
    _, reference = on_solutions
    assert set(results) == set(reference), "the same checks must run on stubs and solutions"
    passed = [test for test, outcome in results.items() if outcome in {"passed", "skipped"}]
    assert not passed, f"checks that pass (or skip) on an unwritten stub: {passed}"
    assert run.returncode == 1


def test_stub_failures_teach_without_tracebacks(on_stubs, lesson_numbers):
    run, _ = on_stubs
    output = run.stdout
    assert "Traceback" not in output and "raise NotImplementedError" not in output
    for number in lesson_numbers:
        assert f"Lesson {number} · " in output
        assert f"is not implemented yet." in output
        assert f"docs/lessons/{number}-" in output


def test_data_lessons_never_import_tensorflow():
    """Lessons 01-03 must stay quick: with a local MNIST file, no TensorFlow import."""
    code = (
        "import sys, pytest\n"
        "code = pytest.main(['-q', '-p', 'no:cacheprovider', '--solutions', "
        "'checks/lesson_01', 'checks/lesson_02', 'checks/lesson_03'])\n"
        "assert code == 0, code\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in {'tensorflow', 'keras'})\n"
        "print('HEAVY', loaded[:5])\n"
        "sys.exit(3 if loaded else 0)\n"
    )
    import subprocess

    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]


def test_a_learner_goes_from_red_to_green(scratch_course):
    """As a learner: `pytest checks/lesson_02` fails on the stub, passes once the code is right."""
    red = run_learner_checks("checks/lesson_02", cwd=scratch_course)
    assert red.returncode == 1 and "normalize() is not implemented yet." in red.stdout
    assert f"checking {scratch_course / 'lessons'}" in red.stdout
    solved = (scratch_course / "solutions" / "lesson_02_prepare.py").read_text(encoding="utf-8")
    (scratch_course / "lessons" / "lesson_02_prepare.py").write_text(solved, encoding="utf-8")
    green = run_learner_checks("checks/lesson_02", cwd=scratch_course)
    assert green.returncode == 0, green.stdout[-3000:]
