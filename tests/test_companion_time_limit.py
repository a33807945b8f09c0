"""A learner function that never returns: `progress`, `report` and `watch` stop it and say where.

The scratch course has lesson 01 solved and a lesson 02 whose `normalize` loops forever
(issue 12, case 6). Plain `pytest checks/lesson_02` is untouched (see the two-sided tests).
"""

from __future__ import annotations

import ast
import json
import signal
import sys
import time
from pathlib import Path

import pytest
from companion_course import cli_command, cli_env, copy_course, mnist_course, solve
from test_companion_watch import Watcher

from mnist_course.companion.report import schema
from mnist_course.course.stubs import function_source

pytestmark = pytest.mark.slow

# The scratch courses sit in pytest's private tmp_path, which a user of the learner's own cannot
# enter: graded as root, `report` would refuse; these tests are about time, so --same-user.
# Seconds. Lesson 02's checks take ~2 s when normalize returns, lesson 01's (solved, the other
# lesson that runs its checks here) ~2 s in-process and ~2 s isolated: five times the longest.
# The stuck normalize spins for all of it, once per run of progress, report and watch.
LIMIT = "10"


def never_returns(course: Path, number: str, name: str) -> None:
    """Put `while True: pass` at the top of `name`'s body in the course's lesson file."""
    from mnist_course.course import lesson

    path = course / "lessons" / lesson(number).filename
    text = path.read_text(encoding="utf-8")
    source = function_source(text, name)
    function = ast.parse(source).body[0]
    first = function.body[1] if ast.get_docstring(function) else function.body[0]
    lines = source.splitlines(keepends=True)
    lines.insert(first.lineno - 1, "    while True:  # waits for a condition that never comes\n        pass\n")
    path.write_text(text.replace(source, "".join(lines)), encoding="utf-8")


@pytest.fixture(scope="module")
def hanging_course(tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("hang") / "course")
    solve(course, "01")
    solve(course, "02")
    never_returns(course, "02", "normalize")
    return course


def test_progress_names_the_function_and_checks_the_other_lessons(hanging_course):
    started = time.monotonic()
    run = mnist_course(hanging_course, "progress", "--json", "--time-limit", LIMIT, timeout=400)
    assert run.returncode == 0, run.stderr
    rows = {row["number"]: row for row in json.loads(run.stdout)["lessons"]}
    assert rows["01"]["status"] == "done"
    stuck = rows["02"]
    assert stuck["status"] == "in progress" and stuck["next_function"] == "normalize"
    assert stuck["next_message"].startswith("Lesson 02 · Prepare the data · normalize() did not return")
    assert "lessons/lesson_02_prepare.py:" in stuck["next_message"]
    assert f"after {LIMIT} s" in stuck["next_message"]
    # The lessons after the stuck one still ran (in a fresh child): their stubs are reported.
    assert [rows[n]["status"] for n in ["03", "04", "08"]] == ["not started"] * 3
    assert rows["03"]["next_function"] == "label_counts"
    assert time.monotonic() - started < 300


def test_report_json_says_where_the_time_limit_hit(hanging_course, tmp_path):
    from jsonschema import Draft202012Validator

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    run = mnist_course(hanging_course, "report", "--same-user", "--json", "--time-limit", LIMIT, timeout=400,
                       TMPDIR=str(temporary))
    assert run.returncode == 0, run.stderr
    document = json.loads(run.stdout)
    Draft202012Validator(schema()).validate(document)
    lessons = {lesson["number"]: lesson for lesson in document["lessons"]}
    stuck = lessons["02"]["time_limit"]
    assert stuck["function"] == "normalize" and stuck["seconds"] == float(LIMIT)
    assert stuck["where"].startswith("lessons/lesson_02_prepare.py:")
    outcomes = [check["outcome"] for check in lessons["02"]["checks"]]
    assert outcomes[0] == "failed" and set(outcomes[1:]) == {"not run"}
    assert lessons["02"]["points"] == 0 and lessons["01"]["points"] == lessons["01"]["max_points"]
    normalize = next(f for f in lessons["02"]["functions"] if f["name"] == "normalize")
    assert normalize["status"] == "failing" and "did not return" in normalize["first_message"]
    # The grader ended at the lesson's clock could not remove its workers' folders: the runner did.
    assert not list(temporary.iterdir())



def test_report_names_a_loop_at_the_top_of_a_lesson_file(tmp_path):
    """A loop outside any function runs while the worker imports the file: the runner's clock
    used to read the grader's stacks (a check waiting) and said no function of the learner's ran."""
    course = copy_course(tmp_path / "course")
    solve(course, "01")
    path = course / "lessons" / "lesson_01_load.py"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines + ["while True:  # tries something out, forever", "    pass", ""]),
                    encoding="utf-8")
    run = mnist_course(course, "report", "--same-user", "--json", "--time-limit", LIMIT, timeout=400)
    assert run.returncode == 0, run.stderr
    first = json.loads(run.stdout)["lessons"][0]
    assert first["time_limit"]["function"] is None
    loop = {f"lessons/lesson_01_load.py:{len(lines) + line}" for line in (1, 2)}  # either of its lines
    assert first["time_limit"]["where"] in loop
    message = first["functions"][0]["first_message"]
    assert "outside any function" in message and "none of your functions" not in message


def children_of(pid: int) -> list[int]:
    """Processes whose parent is `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the child")
@pytest.mark.parametrize("stop, code, name", [(signal.SIGINT, 130, "interrupted"),
                                              (signal.SIGTERM, 143, "terminated")])
def test_ctrl_c_or_sigterm_prints_one_line_and_ends_the_checks(hanging_course, stop, code, name):
    """SIGTERM killed progress by the signal, without a word, its children left running."""
    import subprocess

    process = subprocess.Popen(
        cli_command("progress", "--time-limit", "600"), cwd=hanging_course, env=cli_env(),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    while not children_of(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    pytest_child = children_of(process.pid)
    assert pytest_child, "the checks' child process never started"
    time.sleep(2)
    process.send_signal(stop)
    out, err = process.communicate(timeout=60)
    assert process.returncode == code, (out, err)
    assert err.strip().splitlines() == [
        f"mnist-course: {name}: the checks stopped before they finished; nothing was changed."
    ]
    assert "Traceback" not in out + err
    time.sleep(0.5)
    assert not any(Path(f"/proc/{pid}").exists() for pid in pytest_child), "the child was left running"


def test_watch_stops_a_lesson_at_its_time_limit(hanging_course):
    run = mnist_course(hanging_course, "watch", "02", "--runs", "1", "--time-limit", LIMIT, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "0 checks passed, then:" in run.stdout
    assert "Lesson 02 · Prepare the data · normalize() did not return" in run.stdout


def test_watch_restarts_when_the_fix_is_saved_during_a_stuck_run(tmp_path):
    course = copy_course(tmp_path / "course")
    never_returns(course, "02", "normalize")
    watcher = Watcher(course, "02", "--runs", "1", "--time-limit", "600")
    try:
        watcher.wait_for(r"Watching lessons/")
        time.sleep(8)  # the run is under way (and normalize spinning once the checks start)
        solve(course, "02")  # the learner saves the fix
        seen = watcher.wait_for(r"All \d+ checks of lesson 02 pass")
        assert "Saved during the run: starting again." in seen
        assert "did not return" not in seen
        assert watcher.process.wait(timeout=60) == 0  # --runs 1: only a finished run counts
    finally:
        watcher.stop()


def test_every_command_defaults_to_the_runners_time_limit():
    import inspect

    from mnist_course import cli
    from mnist_course.companion.runner import DEFAULT_LIMIT

    for command in [cli.progress, cli.report, cli.watch]:
        assert inspect.signature(command).parameters["time_limit"].default == DEFAULT_LIMIT
