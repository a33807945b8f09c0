"""Grades a class can trust: every forgery scores only its honest work (issue 21).

Each submission is graded as an instructor grades it: `mnist-course report --json --lessons
DIR`, run from this (pristine) course. The forged submission holds every trick a tester
tried, one per lesson, so one report shows them all (the honest scale, stubs 0, one
lesson 10, the reference 80, is graded by the engines in test_graders.py).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import jsonschema
import pytest

from rich.console import Console

from mnist_course.companion.report import render, schema
from mnist_course.course import LESSONS

from conftest import ROOT, run_learner_checks
from grading_submissions import (
    FORGED_POINTS,
    JUDGE_FORGERY,
    REPORT_FORGERY,
    forged_submission,
    make_submission,
    open_folder,
    reference_text,
    stub_texts,
)

pytestmark = pytest.mark.slow


def grade(folder, *extra, text=False):
    # --same-user: where this machine cannot give the learner's code a user of its own (a Python
    # under a private /root), grade in the same-user mode, whose defences these tests cover too.
    command = [sys.executable, "-m", "mnist_course.cli", "report", "--same-user", "--lessons", str(folder), *extra]
    if not text:
        command.append("--json")
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900,
                          env=os.environ.copy())


def points(document) -> dict[str, int]:
    return {lesson["number"]: lesson["points"] for lesson in document["lessons"]}


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture(scope="module")
def forged():
    with open_folder("mnist-course-forged-") as folder:
        yield grade_the_forgery(folder)


def grade_the_forgery(folder):
    pids = folder / "escaped.pids"
    # The escaped process writes its pid here, whoever it runs as (graded as root, a user of its own).
    pids.touch(mode=0o666)
    pids.chmod(0o666)
    forged_submission(folder / "submission", pids)
    before = set(_sleepers())
    started = time.monotonic()
    result = grade(folder / "submission" / "lessons", "--check-seed", "7")
    return {"result": result, "pids": pids, "seconds": time.monotonic() - started,
            "sleepers": set(_sleepers()) - before, "folder": folder / "submission"}


def _sleepers() -> list[int]:
    """`sleep 1000` processes (the forgery starts one in a session of its own)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                    if cmdline.read() == b"sleep\x001000\x00" and alive(int(entry)):
                        found.append(int(entry))
            except OSError:
                pass
    return found


def test_the_forged_submission_scores_only_its_honest_work(forged):
    result = forged["result"]
    assert result.returncode == 0, result.stderr[-2000:]
    document = json.loads(result.stdout)
    jsonschema.validate(document, schema())
    assert points(document) == FORGED_POINTS
    assert document["points"] == 30 and document["max_points"] == 80
    assert document["check_seed"] == 7 and document["isolated"] is True
    assert document["checks_digest"].startswith("sha256:")


def test_a_segfault_at_import_costs_only_its_lesson_and_says_so(forged):
    document = json.loads(forged["result"].stdout)
    lesson = document["lessons"][2]
    assert lesson["number"] == "03" and lesson["points"] == 0
    messages = " ".join(check["message"] or "" for check in lesson["checks"])
    assert "SIGSEGV" in messages
    assert len(document["lessons"]) == len(LESSONS)  # every lesson is in the report


def test_report_rewriting_and_judge_patches_have_no_effect_when_graded(forged):
    document = json.loads(forged["result"].stdout)
    by_number = {lesson["number"]: lesson for lesson in document["lessons"]}
    assert by_number["01"]["passed"] == 0
    assert by_number["02"]["passed"] < by_number["02"]["total"]
    assert by_number["06"]["points"] == 0  # accuracy hard-coded to the fixed example


def test_no_process_the_learner_started_outlives_the_report(forged):
    assert forged["pids"].is_file(), "the forgery's double-forked process never started"
    escaped = [int(line) for line in forged["pids"].read_text().split()]
    assert escaped and not any(alive(pid) for pid in escaped)
    assert not [pid for pid in forged["sleepers"] if alive(pid)]


def test_no_control_sequence_reaches_the_terminal(forged):
    """Lesson 07's read_image raises with a message that clears the screen and sets the title."""
    document = json.loads(forged["result"].stdout)
    assert "\x1b" not in forged["result"].stdout  # the JSON escapes it too, as \u001b
    text = Console(record=True, width=200, color_system=None)
    render(document, text)
    shown = text.export_text()
    assert "\x1b" not in shown and "\x07" not in shown
    # Colour and cursor codes are dropped from shortened errors; the title-setting sequence
    # is escaped, so the instructor sees what was sent.
    assert "\\x1b]0;pwned\\x07" in shown


def test_the_forgeries_do_work_in_the_learners_own_loop(tmp_path):
    """Why grading must be isolated: in-process, the same files forge a pass."""
    folder = make_submission(tmp_path / "submission", {
        "01": stub_texts()["lesson_01_load.py"] + REPORT_FORGERY, "02": JUDGE_FORGERY})
    forged_01 = run_learner_checks("checks/lesson_01", f"--impl={folder / 'lessons'}")
    assert forged_01.returncode == 0, forged_01.stdout[-1500:]  # every stub "passes"
    forged_02 = run_learner_checks("checks/lesson_02", f"--impl={folder / 'lessons'}")
    isolated_02 = run_learner_checks("checks/lesson_02", f"--impl={folder / 'lessons'}", "--isolated")
    assert _passed(forged_02.stdout) > _passed(isolated_02.stdout)
    assert isolated_02.returncode == 1


def _passed(output: str) -> int:
    import re

    found = re.search(r"(\d+) passed", output)
    return int(found.group(1)) if found else 0


def test_a_hanging_or_exiting_function_costs_only_its_check(tmp_path):
    lesson = reference_text("02") + (
        "\n\ndef normalize(images):\n    while True:\n        pass\n"
        "\n\ndef validate_shapes(x, y):\n    import os\n    os._exit(0)\n"
    )
    folder = make_submission(tmp_path / "submission", {"02": lesson})
    env = dict(os.environ, MNIST_COURSE_LESSON_LIMIT="6")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "checks/lesson_02", "--isolated",
         f"--impl={folder / 'lessons'}", "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env=env,
    )
    assert result.returncode == 1
    assert "did not return" in result.stdout  # the time limit names the function
    assert "os._exit(0)" in result.stdout  # the exit is reported, not obeyed
    assert _passed(result.stdout) >= 4  # reshape and split still earn their passes


def test_the_submissions_own_checks_and_config_are_never_read(forged):
    # The forged tree has a checks/ of empty passes, conftest.py files and a pyproject.toml
    # with addopts: the grade above ran this course's checks (same number as the reference).
    document = json.loads(forged["result"].stdout)
    totals = {lesson["number"]: lesson["total"] for lesson in document["lessons"]}
    assert totals["05"] > 1 and totals["07"] > 10
    assert all(check["id"].startswith("checks/lesson_") for lesson in document["lessons"]
               for check in lesson["checks"])


def test_a_folder_without_lesson_files_is_graded_zero_and_said_and_a_file_is_refused(tmp_path):
    empty = tmp_path / "submission"
    empty.mkdir()
    run = grade(empty)
    assert run.returncode == 0, run.stderr
    assert sum(points(json.loads(run.stdout)).values()) == 0
    assert "holds none of the lesson files" in run.stderr and "graded as not started" in run.stderr
    # ...as the report says too (a missing file was "in progress" before)
    assert {lesson["status"] for lesson in json.loads(run.stdout)["lessons"]} == {"not started"}
    a_file = tmp_path / "lesson_01_load.py"
    a_file.write_text("")
    refused = grade(a_file)
    assert refused.returncode == 2
    assert refused.stderr.strip().endswith("is a file, not a folder (give the folder that holds the "
                                           "submission's lesson_01_load.py ... lesson_08_cnn.py).")


def test_a_lesson_file_that_does_not_load_has_no_passing_function():
    # Every check failed on the import, naming no function: the report said "passing" for each.
    from mnist_course.companion.report import function_rows
    from mnist_course.companion.runner import CheckResult, LessonResults
    from mnist_course.course.workspace import Workspace

    said = "lesson_03_explore.py line 80 has a syntax error: invalid syntax"
    broken = LessonResults(LESSONS["03"], [CheckResult(f"checks/lesson_03/test_explore.py::test_{n}", "03",
                                                       "failed", None, said) for n in range(7)])
    rows = function_rows(Workspace(ROOT), broken)
    assert rows and all(row["status"] == "failing" and row["first_message"] == said for row in rows), rows
    loaded = LessonResults(LESSONS["03"], [*broken.results[:6], CheckResult("x", "03", "passed")])
    assert {row["status"] for row in function_rows(Workspace(ROOT), loaded)} == {"passing"}


def test_sys_exit_is_told_as_sys_exit_not_as_os_exit_when_graded(tmp_path):
    # Both reach the judge as an exit; the words must be the learner's own call.
    lesson = reference_text("01") + "\n\ndef digit_as_text(image):\n    raise SystemExit(3)\n"
    folder = make_submission(tmp_path / "submission", {"01": lesson})
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "checks/lesson_01", "--isolated",
         f"--impl={folder / 'lessons'}", "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env=os.environ.copy(),
    )
    assert result.returncode == 1
    assert "sys.exit(3)" in result.stdout and "os._exit" not in result.stdout, result.stdout[-3000:]


def test_the_checks_digest_names_the_judges_data_and_libraries(tmp_path, monkeypatch):
    """Two grades with the same digest were judged by the same checks on the same data with
    the same libraries: a change to any of them changes it."""
    from importlib import metadata

    from mnist_course.companion import report
    from mnist_course.course.workspace import Workspace

    root = tmp_path / "course"
    (root / "checks").mkdir(parents=True)
    (root / "checks" / "test_a.py").write_text("def test_a(): pass\n")
    cache = Workspace(root).check_cache
    cache.mkdir(parents=True)
    (cache / "mnist_small.npz").write_bytes(b"subset")
    mnist = tmp_path / "mnist.npz"
    mnist.write_bytes(b"one")
    monkeypatch.setenv("MNIST_PATH", str(mnist))
    first = report.checks_digest(Workspace(root))
    assert report.checks_digest(Workspace(root)) == first  # the same judge, the same digest
    (cache / "mnist_small.npz").write_bytes(b"another subset")
    assert report.checks_digest(Workspace(root)) != first
    (cache / "mnist_small.npz").write_bytes(b"subset")
    mnist.write_bytes(b"two")
    assert report.checks_digest(Workspace(root)) != first
    mnist.write_bytes(b"one")
    real_version = metadata.version
    monkeypatch.setattr(report.metadata, "version",
                        lambda name: "0.0.1" if name == "numpy" else real_version(name))
    assert report.checks_digest(Workspace(root)) != first


def test_a_lesson_that_turns_eager_execution_off_is_told_so_in_the_grade():
    with open_folder("mnist-course-tf1-") as folder:
        source = (ROOT / "solutions" / LESSONS["04"].filename).read_text(encoding="utf-8")
        (folder / LESSONS["04"].filename).write_text(
            source + "\nimport tensorflow as _tf\n_tf.compat.v1.disable_eager_execution()\n", encoding="utf-8")
        run = grade(folder)
    document = json.loads(run.stdout)
    assert points(document)["04"] == 0
    told = json.dumps(document["lessons"][3])
    assert "turned TensorFlow's eager execution off" in told and "delete that line" in told, told
    assert "ImportSideEffect" not in told
