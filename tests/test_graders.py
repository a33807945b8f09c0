"""The instructor's engines, run on scratch submissions as they run in class.

- Classroom 50: `graders/classroom50/autograder.py`, called in a student's checkout with the
  runner's environment, writes a `result.json` that keeps to the wiki's contract (its schema,
  `tests/schemas/classroom50-result.schema.json`, is written from that page).
- GitHub Actions: the "Grade" step of `.github/workflows/grade.yml`, run with bash as the
  runner would, writes a per-lesson job summary and the report artifact.
- The Codespace sets the course up the README's way.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from rich.console import Console

from mnist_course.companion.report import LESSON_POINTS, SCHEMA_VERSION, render, schema
from mnist_course.course import LESSONS
from mnist_course.grading.engines import classroom50_result, summary_markdown

from grading_submissions import make_submission, reference_text

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "grade.yml"
AUTOGRADER = ROOT / "graders" / "classroom50" / "autograder.py"
CLASSROOM50_SCHEMA = json.loads((Path(__file__).parent / "schemas" / "classroom50-result.schema.json").read_text())
SETUP_COMMAND = "python3 bootstrap.py setup"
RUNNER_ENV = {
    "CLASSROOM": "ml-fall-2026", "ASSIGNMENT": "mnist", "SUBMISSION_TAG": "submit/2026-12-01T10-00-00Z-abc1234",
    "COMMIT_URL": "https://github.invalid/o/r/commit/abc1234", "RELEASE_URL": "https://github.invalid/o/r/releases/x",
    "USERNAME": "alice", "OWNER": "alice",
}


def test_the_codespace_runs_the_readme_setup_command():
    config = json.loads((ROOT / ".devcontainer" / "devcontainer.json").read_text(encoding="utf-8"))
    assert config["postCreateCommand"] == SETUP_COMMAND
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert SETUP_COMMAND in re.findall(r"python3 bootstrap\.py \w+", readme)


def test_github_classroom_is_gone():
    assert not (ROOT / ".github" / "workflows" / "classroom.yml").exists()
    guide = (ROOT / "docs" / "instructors.md").read_text(encoding="utf-8")
    assert "discontinued" in guide and "classroom-resources/autograding" not in guide


# --- Classroom 50 ------------------------------------------------------------------------------


# Lessons 06 and 07 are solved here because no other test grades their reference code in
# isolation (test_grading.py forges them); lesson 02 is the smallest whole lesson.
SOLVED = ("02", "06", "07")


@pytest.fixture(scope="module")
def classroom50(tmp_path_factory):
    """The autograder, run in a student's checkout that solved the lessons in SOLVED."""
    checkout = make_submission(tmp_path_factory.mktemp("student") / "checkout",
                               {number: reference_text(number) for number in SOLVED})
    # Links the learner committed where the grade is written: it goes beside them, not through.
    outside = tmp_path_factory.mktemp("outside")
    (outside / "theirs.txt").write_text("not the grader's to write")
    (checkout / "report.json").symlink_to(outside / "theirs.txt")
    (checkout / "result.json").symlink_to(outside / "new" / "deep.txt")
    env = dict(os.environ, **RUNNER_ENV, MNIST_COURSE_HOME=str(ROOT), MNIST_COURSE_PYTHON=sys.executable)
    run = subprocess.run([sys.executable, str(AUTOGRADER)], cwd=checkout, env=env, capture_output=True,
                         text=True, timeout=900)
    assert (outside / "theirs.txt").read_text() == "not the grader's to write"
    assert not (outside / "new").exists()
    assert not (checkout / "report.json").is_symlink() and not (checkout / "result.json").is_symlink()
    return run, checkout


@pytest.mark.slow
def test_the_classroom50_autograder_writes_a_valid_result(classroom50):
    run, checkout = classroom50
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads((checkout / "result.json").read_text())
    jsonschema.validate(result, CLASSROOM50_SCHEMA)
    assert result["score"] == sum(LESSON_POINTS[number] for number in SOLVED)
    assert result["max-score"] == sum(LESSON_POINTS.values())
    assert [test["test-name"] for test in result["tests"]] == [unit.label for unit in LESSONS.values()]
    assert [test["passed"] for test in result["tests"]] == [number in SOLVED for number in LESSONS]
    assert result["classroom"] == "ml-fall-2026" and result["submission"] == RUNNER_ENV["SUBMISSION_TAG"]
    assert result["review"] == RUNNER_ENV["COMMIT_URL"]  # no REVIEW_URL: the commit, as the wiki's template
    unwritten = result["tests"][2]
    assert unwritten["message"] == "label_counts() is not written yet"


@pytest.mark.slow
def test_the_report_beside_it_keeps_to_its_schema(classroom50):
    _, checkout = classroom50
    document = json.loads((checkout / "report.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.validate(document, schema())
    assert document["version"] == SCHEMA_VERSION
    lessons = {lesson["number"]: lesson for lesson in document["lessons"]}
    assert list(lessons) == list(LESSONS)
    for number in SOLVED:
        assert lessons[number]["status"] == "done" and lessons[number]["passed"] == lessons[number]["total"] > 0
    stubbed = lessons["03"]
    assert stubbed["points"] == 0 and stubbed["status"] == "not started"
    first = stubbed["functions"][0]
    assert first["name"] == "label_counts" and first["status"] == "not written" and first["failed_checks"] > 0
    assert first["first_message"].startswith("Lesson 03 · Explore the data · label_counts() is not implemented yet.")
    text = Console(record=True, width=200, color_system=None)
    render(document, text)
    shown = text.export_text()
    solved = sum(LESSON_POINTS[number] for number in SOLVED)
    assert f"Points: {solved} of {sum(LESSON_POINTS.values())}" in shown
    assert "02 normalize()" not in shown and "03 label_counts() not written yet" in shown
    assert f"seed {document['check_seed']}" in shown


def test_a_missing_env_var_leaves_an_empty_string_and_the_result_valid():
    document = {"lessons": [{"number": "01", "title": "Load the data", "points": 0, "max_points": 10,
                             "passed": 0, "total": 3, "collect_errors": ["boom\nmore"], "functions": []}]}
    result = classroom50_result(document, env={"CLASSROOM": "c"})
    jsonschema.validate(result, CLASSROOM50_SCHEMA)
    assert result["tests"][0]["message"] == "boom" and result["assignment"] == ""


# --- GitHub Actions ----------------------------------------------------------------------------


def workflow_steps() -> list[dict]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["grade"]["steps"]


def test_the_workflow_grades_with_the_pinned_course_not_the_submission():
    steps = {step["name"]: step for step in workflow_steps()}
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert workflow["env"]["COURSE_REPOSITORY"] and workflow["env"]["COURSE_REF"]
    course = steps["Check out the pinned course (its checks grade)"]
    assert course["with"]["repository"] == "${{ env.COURSE_REPOSITORY }}"
    assert course["with"]["path"] == "course" and steps["Check out the submission"]["with"]["path"] == "submission"
    assert steps["Install the course"]["run"] == "python3 course/bootstrap.py setup"
    assert steps["Upload the report"]["with"]["path"] == "report.json"
    assert steps["Upload the report"]["if"] == "always()"


@pytest.mark.slow
def test_the_workflows_grade_step_on_a_scratch_submission(tmp_path):
    # Lessons 01-03 solved: the whole scale of a grade (points and zeros) without the
    # trainings of lessons 05 and 08, which tests/test_grading.py already grades in isolation.
    workspace = tmp_path / "workspace"
    make_submission(workspace / "submission", {number: reference_text(number) for number in ("01", "02", "03")})
    summary = tmp_path / "summary.md"
    (grade,) = [step for step in workflow_steps() if step["name"] == "Grade"]
    env = dict(os.environ, GITHUB_WORKSPACE=str(workspace), GITHUB_STEP_SUMMARY=str(summary),
               COURSE_DIR=str(ROOT), SUBMISSION_DIR=str(workspace / "submission"), COURSE_PYTHON=sys.executable)
    run = subprocess.run(["bash", "-e", "-c", grade["run"]], env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-2000:]
    document = json.loads((workspace / "report.json").read_text())
    solved = sum(LESSON_POINTS[number] for number in ("01", "02", "03"))
    assert document["points"] == solved and document["max_points"] == sum(LESSON_POINTS.values())
    table = summary.read_text(encoding="utf-8")
    assert f"## mnist-course grade: {solved} / 80" in table
    assert "| Lesson 04 · Build the model | 0/" in table and "is not written yet" in table
    for unit in LESSONS.values():
        assert f"| {unit.label} |" in table


def test_the_summary_keeps_a_table_whole():
    document = {"points": 0, "max_points": 10, "course_version": "0.1.0", "checks_digest": "sha256:" + "0" * 64,
                "check_seed": 5, "lessons": [{
                    "number": "06", "title": "Evaluate the model", "points": 0, "max_points": 10, "passed": 1,
                    "total": 2, "collect_errors": [], "functions": [
                        {"name": "accuracy", "status": "failing", "first_message": "Lesson 06\n expected: a | b\n seen: c"}]}]}
    table = summary_markdown(document)
    row = [line for line in table.splitlines() if line.startswith("| Lesson 06")][0]
    assert row.count(" | ") == 3 and "a \\| b" in row


def summary_row_for(raised: str) -> str:
    """Lesson 06's row of the job summary when accuracy() raised with the message `raised`."""
    document = {"points": 0, "max_points": 10, "course_version": "0.1.0", "checks_digest": "sha256:" + "0" * 64,
                "check_seed": 5, "lessons": [{
                    "number": "06", "title": "Evaluate the model", "points": 0, "max_points": 10, "passed": 0,
                    "total": 2, "collect_errors": [], "functions": [
                        {"name": "accuracy", "status": "failing",
                         "first_message": f"Lesson 06 · Evaluate the model · accuracy()\n  your code raised {raised}"}]}]}
    return [line for line in summary_markdown(document).splitlines() if line.startswith("| Lesson 06")][0]


def test_the_summary_shows_the_learners_html_as_text():
    # A message is the learner's: `</td></tr></table><img src=...>` would be markup on the page.
    row = summary_row_for("ValueError: </td></tr></table><img src=x> & more")
    assert "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;img src=x&gt; &amp; more" in row and "<" not in row


def test_the_summary_shows_the_learners_markdown_as_text():
    """`![x](https://...)` or `[click](...)` in a learner's message was an image or a link on the page."""
    row = summary_row_for("ValueError: ![x](https://e.example/a.png) [click](https://e.example) **bold**")
    assert "\\!\\[x\\]\\(https://e.example/a.png\\)" in row and "\\[click\\]" in row and "\\*\\*bold\\*\\*" in row
