"""The instructor's kit: the GitHub Classroom workflow scores what the checks say, the
Codespace sets up the README's way, and `mnist-course report --json` keeps to its schema.

The grading test runs the workflow's own commands (`pytest checks/lesson_NN`) on three
scratch courses: the reference code, the fresh stubs, and the stubs with lesson 02 solved.
Each course gets one child interpreter that runs every command in turn with `pytest.main`,
so TensorFlow is imported three times, not twenty-four.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from companion_course import cli_env, copy_course, mnist_course, solve

from mnist_course.companion.report import LESSON_POINTS, SCHEMA_VERSION, schema
from mnist_course.course import LESSONS

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "classroom.yml"
GRADER = "classroom-resources/autograding-command-grader@v1"
REPORTER = "classroom-resources/autograding-grading-reporter@v1"
SETUP_COMMAND = "python3 bootstrap.py setup"

# Runs in the scratch course: each grading command in-process, then its exit code.
GRADE = """
import json, shlex, sys
import pytest
codes = []
for command in json.loads(sys.argv[1]):
    program, *args = shlex.split(command)
    assert program == "pytest", command
    codes.append(int(pytest.main([*args, "-q", "--no-header", "-p", "no:cacheprovider"])))
print("EXIT CODES", json.dumps(codes))
"""


def workflow_steps() -> list[dict]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    (job,) = workflow["jobs"].values()
    return job["steps"]


def grading_steps() -> list[dict]:
    return [step for step in workflow_steps() if step.get("uses") == GRADER]


def test_one_grading_step_per_lesson_and_a_reporter_for_all():
    steps = grading_steps()
    assert [step["with"]["command"] for step in steps] == [f"pytest checks/lesson_{n}" for n in LESSONS]
    for step, (number, unit) in zip(steps, LESSONS.items()):
        assert int(step["with"]["max-score"]) == LESSON_POINTS[number]  # the report's points
        assert 0 < float(step["with"]["timeout"]) <= 15  # minutes
        assert step["with"]["test-name"] == unit.label and step["id"] == f"lesson-{number}"
    (reporter,) = [step for step in workflow_steps() if step.get("uses") == REPORTER]
    ids = [step["id"] for step in steps]
    assert reporter["with"]["runners"].split(",") == ids
    assert reporter["env"] == {
        f"{id.upper()}_RESULTS": f"${{{{steps.{id}.outputs.result}}}}" for id in ids
    }
    # The course is installed the README's way, and the graders find pytest on PATH.
    setup = "\n".join(step.get("run", "") for step in workflow_steps())
    assert SETUP_COMMAND in setup and "/.venv/bin\" >> \"$GITHUB_PATH\"" in setup
    assert "keras.datasets.mnist.load_data()" in setup


def readme_setup_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"python3 bootstrap\.py \w+", readme)


def test_the_codespace_runs_the_readme_setup_command():
    config = json.loads((ROOT / ".devcontainer" / "devcontainer.json").read_text(encoding="utf-8"))
    assert config["postCreateCommand"] == SETUP_COMMAND
    assert SETUP_COMMAND in readme_setup_commands()
    assert "setup" in (ROOT / "bootstrap.py").read_text(encoding="utf-8")


def score(course: Path) -> tuple[int, list[int]]:
    """(points, exit codes) of the workflow's grading commands, run in `course`."""
    commands = [step["with"]["command"] for step in grading_steps()]
    run = subprocess.run(
        [sys.executable, "-c", GRADE, json.dumps(commands)],
        cwd=course, env=cli_env(), capture_output=True, text=True, timeout=900,
        stdin=subprocess.DEVNULL,
    )
    found = re.search(r"^EXIT CODES (.*)$", run.stdout, flags=re.MULTILINE)
    assert found, (run.returncode, run.stdout[-3000:], run.stderr[-3000:])
    codes = json.loads(found.group(1))
    points = [int(step["with"]["max-score"]) for step in grading_steps()]
    return sum(p for p, code in zip(points, codes) if code == 0), codes


@pytest.fixture(scope="module")
def courses(tmp_path_factory):
    """The three scratch courses, graded in parallel: reference, stubs, lesson 02 solved."""
    made = {}
    for name in ["reference", "stubs", "lesson 02"]:
        made[name] = copy_course(tmp_path_factory.mktemp(name.replace(" ", "-")) / "course")
    for number in LESSONS:
        solve(made["reference"], number)
    solve(made["lesson 02"], "02")
    return made


@pytest.mark.slow
def test_the_workflow_scores_reference_stubs_and_one_lesson(courses):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = dict(zip(courses, pool.map(score, courses.values())))
    full = sum(LESSON_POINTS.values())
    assert results["reference"] == (full, [0] * len(LESSONS)), results["reference"]
    assert results["stubs"][0] == 0 and all(code == 1 for code in results["stubs"][1]), results["stubs"]
    assert results["lesson 02"][0] == LESSON_POINTS["02"], results["lesson 02"]


@pytest.mark.slow
def test_report_json_validates_against_its_schema(courses):
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema())
    run = mnist_course(courses["lesson 02"], "report", "--json", timeout=600)
    assert run.returncode == 0, run.stderr
    document = json.loads(run.stdout)
    Draft202012Validator(schema()).validate(document)
    assert document["version"] == SCHEMA_VERSION
    lessons = {lesson["number"]: lesson for lesson in document["lessons"]}
    assert list(lessons) == list(LESSONS)
    assert document["points"] == LESSON_POINTS["02"] and document["max_points"] == sum(LESSON_POINTS.values())
    assert lessons["02"]["status"] == "done" and lessons["02"]["passed"] == lessons["02"]["total"] > 0
    assert all(check["outcome"] == "passed" for check in lessons["02"]["checks"])
    stubbed = lessons["03"]
    assert stubbed["points"] == 0 and stubbed["status"] == "not started"
    first = stubbed["functions"][0]
    assert first == {
        "name": "label_counts",
        "status": "not written",
        "failed_checks": first["failed_checks"],
        "first_message": first["first_message"],
    }
    assert first["failed_checks"] > 0
    assert first["first_message"].startswith("Lesson 03 · Explore the data · label_counts() is not implemented yet.")


@pytest.mark.slow
def test_report_text_output(courses):
    run = mnist_course(courses["stubs"], "report", "--time-limit", "300", timeout=600)
    assert run.returncode == 0, run.stderr
    assert f"Points: 0 of {sum(LESSON_POINTS.values())}" in run.stdout
    assert "02 normalize() not written yet (3 checks wait for it)" in run.stdout
