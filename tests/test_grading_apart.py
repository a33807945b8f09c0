"""The learner's code graded apart from the grade (probe of 2026-12-04).

A stub submission got 80/80 by appending "passed" lines to the grader's results file (found
through /proc) and killing the grader; another had its lesson files be links into the
grader's own solutions/. Graded as root on Linux, with a Python other users can run, the
workers now run as a user of their own and reach none of the grade's files; graded as the
same user, results that are not the checks' own void the lessons they claim, and the report
says which of the two it was (`learner_user`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import jsonschema
import pytest

from mnist_course.companion.report import schema

from conftest import ROOT
from grading_submissions import make_submission, open_folder, reference_text, stub_texts

pytestmark = pytest.mark.slow

# At import: append "passed" for every check of its lesson to the results file of the grader
# that collected it (found through /proc), say the run finished, and kill that grader.
FORGE_RESULTS = '''
def _forge(only_under):
    import json, os, signal, time
    me = os.path.basename(__file__)[7:9]
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                fds = {fd: os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
            except OSError:
                continue
            for fd, path in fds.items():
                if not (path.startswith(only_under) and path.endswith("/results.jsonl")):
                    continue
                events = [json.loads(line) for line in open(path) if line.strip()]
                tests = [t for e in events if e["event"] == "collected" for t in e["tests"] if t["lesson"] == me]
                if not tests:
                    continue
                with open(path, "a") as out:
                    for t in tests:
                        out.write(json.dumps({"event": "test", "nodeid": t["nodeid"], "lesson": me,
                                              "outcome": "passed"}) + "\\n")
                    out.write(json.dumps({"event": "finished", "exitstatus": 0}) + "\\n")
                for other in filter(str.isdigit, os.listdir("/proc")):  # the grader: it writes the file
                    try:
                        for number in os.listdir(f"/proc/{other}/fd"):
                            info = open(f"/proc/{other}/fdinfo/{number}").read()
                            writes = int(info.split("flags:")[1].split()[0], 8) & 3
                            if writes and os.readlink(f"/proc/{other}/fd/{number}") == path:
                                os.kill(int(other), signal.SIGKILL)
                    except (OSError, IndexError, ValueError):
                        pass
                return
        time.sleep(0.01)


try:
    _forge(ONLY_UNDER)
except Exception:
    pass
'''

# At import: leave a file in a folder of the grader's (standing for the course's checks/).
WRITE_JUDGE_FILES = '''
try:
    open(JUDGE_FOLDER + "/written-by-the-lesson.txt", "w").write("mine")
except OSError:
    pass
'''


# A function that says which of the names every program expects its environment has.
TELL_ENVIRONMENT = '''

def label_counts(y):
    import os
    raise RuntimeError("environment: " + ",".join(name for name in ("HOME", "PATH") if os.environ.get(name)))
'''


# In its own folder, a link where the next worker of the lesson opens its stack dump, then a
# crash: the grader starts that next worker, which (as root, then) wrote through the link.
LINK_THEN_CRASH = '''

def read_image(path):
    import os, signal
    if os.path.lexists("stacks.txt"):
        os.remove("stacks.txt")
    os.symlink(VICTIM, "stacks.txt")
    os.kill(os.getpid(), signal.SIGKILL)
'''


def with_head(text: str, head: str) -> str:
    """`text` (a lesson file) with `head` run right after its docstring."""
    end = text.index('"""', text.index('"""') + 3) + 3
    return text[:end] + "\n" + head + text[end:]


@pytest.fixture(scope="module")
def graded():
    with open_folder("mnist-course-apart-") as folder:
        yield grade_forgeries(folder)


def grade_forgeries(folder):
    scratch, judge = folder / "tmp", folder / "judge"
    for made in (scratch, judge):
        made.mkdir(mode=0o755)
    (judge / "victim.txt").write_text("the grader's own\n")
    stubs = stub_texts()
    submission = make_submission(folder / "submission", {
        "05": with_head(stubs["lesson_05_train.py"], f"ONLY_UNDER = {str(scratch)!r}\n" + FORGE_RESULTS),
        "06": with_head(stubs["lesson_06_evaluate.py"], f"JUDGE_FOLDER = {str(judge)!r}\n" + WRITE_JUDGE_FILES),
        "03": stubs["lesson_03_explore.py"] + TELL_ENVIRONMENT,
        "07": stubs["lesson_07_predict.py"] + LINK_THEN_CRASH.replace("VICTIM", repr(str(judge / "victim.txt"))),
    })
    link = submission / "lessons" / "lesson_02_prepare.py"
    link.unlink()
    link.symlink_to(ROOT / "solutions" / "lesson_02_prepare.py")  # the grader's own reference
    result = subprocess.run(
        [sys.executable, "-m", "mnist_course.cli", "report", "--same-user", "--json", "--lessons", str(submission / "lessons")],
        cwd=ROOT, capture_output=True, text=True, timeout=900, env=dict(os.environ, TMPDIR=str(scratch)),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    document = json.loads(result.stdout)
    jsonschema.validate(document, schema())
    return document, result.stderr, judge


def lesson(document, number):
    return next(entry for entry in document["lessons"] if entry["number"] == number)


def test_a_stub_submission_that_forges_results_or_links_the_reference_scores_nothing(graded):
    document, stderr, _ = graded
    assert document["points"] == 0, [(entry["number"], entry["points"]) for entry in document["lessons"]]
    assert "lesson_02_prepare.py is a link, not a file of the submission's own: not graded." in stderr


def test_forged_results_void_their_lessons_when_the_learner_runs_as_the_grader(graded):
    document, stderr, _ = graded
    if document["learner_user"] == "separate":
        # Its own user cannot even see the grader's files: the forgery finds nothing to write.
        assert not any("not graded" in error for error in lesson(document, "05")["collect_errors"])
    else:
        assert "warning: the learner's code runs as the user grading it" in stderr
        errors = lesson(document, "05")["collect_errors"]
        assert any(error.startswith("not graded: ") and "not the checks' own" in error for error in errors), errors


def test_a_lesson_of_its_own_user_cannot_write_the_graders_files(graded):
    document, stderr, judge = graded
    written = (judge / "written-by-the-lesson.txt").exists()
    if document["learner_user"] == "separate":
        assert not written
    else:  # what the report's warning says, and instructors.md: grade as root to close it
        assert written and "grade as root" in stderr


def child_with(collected):
    """A grading child of the runner, fed events by hand: no pytest runs."""
    from pathlib import Path
    from types import SimpleNamespace

    from mnist_course.companion.runner import Grading, LessonResults, _Child
    from mnist_course.course import LESSONS

    by_lesson = {number: LessonResults(LESSONS[number]) for number in collected}
    child = _Child(None, by_lesson, None, None, grading=Grading(seed=1))
    child._take({"event": "collected", "tests": [{"nodeid": nodeid, "lesson": number}
                                                 for number, nodeids in collected.items() for nodeid in nodeids]})
    child.dump_path = Path("/nonexistent/timeout.txt")
    return child, by_lesson, SimpleNamespace


def passed(nodeid, number):
    return {"event": "test", "nodeid": nodeid, "lesson": number, "outcome": "passed"}


def test_a_result_given_twice_or_never_collected_voids_the_childs_lessons():
    from mnist_course.course import LESSONS

    for extra in ([passed("checks/lesson_01/test_load.py::test_a", "01")],  # twice
                  [passed("checks/lesson_01/test_load.py::test_other", "01")]):  # never collected
        child, by_lesson, namespace = child_with({"01": ["checks/lesson_01/test_load.py::test_a"]})
        child.process = namespace(returncode=0)
        for event in [passed("checks/lesson_01/test_load.py::test_a", "01"), *extra,
                      {"event": "finished", "exitstatus": 0}]:
            child._take(event)
        assert child.finish([LESSONS["01"]]) == 1
        assert by_lesson["01"].results == []
        assert by_lesson["01"].collect_errors[0].startswith("not graded: checks/lesson_01/test_load.py::test_")


def test_results_of_a_grader_that_was_killed_count_for_nothing():
    from mnist_course.course import LESSONS

    child, by_lesson, namespace = child_with({"01": ["checks/lesson_01/test_load.py::test_a"]})
    child.process = namespace(returncode=-9)  # SIGKILL, after "its" results said all passed
    for event in [passed("checks/lesson_01/test_load.py::test_a", "01"), {"event": "finished", "exitstatus": 0}]:
        child._take(event)
    assert child.finish([LESSONS["01"]]) == 1 and by_lesson["01"].passed == 0
    assert "ended with status -9 after its results said 0" in by_lesson["01"].collect_errors[0]


def test_an_honest_grader_keeps_its_results():
    from mnist_course.course import LESSONS

    child, by_lesson, namespace = child_with({"01": ["checks/lesson_01/test_load.py::test_a"]})
    child.process = namespace(returncode=0)
    for event in [passed("checks/lesson_01/test_load.py::test_a", "01"), {"event": "finished", "exitstatus": 0}]:
        child._take(event)
    assert child.finish([LESSONS["01"]]) == 0 and by_lesson["01"].passed == 1


def test_a_worker_keeps_the_environment_a_program_expects(graded):
    # The worker cleared its environment before reading what to keep of it: no PATH, no HOME.
    document, _, _ = graded
    function = next(entry for entry in lesson(document, "03")["functions"] if entry["name"] == "label_counts")
    assert "environment: HOME,PATH" in function["first_message"], function["first_message"]


HOP = """
import os, sys, time
marker = sys.argv[1]
end = time.monotonic() + 20
while time.monotonic() < end:
    if os.fork():
        os._exit(0)  # the parent leaves at once: the chain's pid changes all the time
    open(marker + ".new", "w").write(str(os.getpid()))
    os.replace(marker + ".new", marker)
"""

END_THEM = """
import subprocess, sys, time
from mnist_course.grading.processes import become_subreaper, end_descendants
become_subreaper()
subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[2]], start_new_session=True)
time.sleep(1.0)
end_descendants()
"""


def test_a_chain_of_processes_that_forks_and_exits_at_once_is_ended(tmp_path):
    # It changed pid faster than five rounds of kill could follow, and lived on (the same-user
    # grade's end_descendants); stopped first, it forks no more.
    marker = tmp_path / "hop.pid"
    subprocess.run([sys.executable, "-c", END_THEM, HOP, str(marker)], check=True, timeout=60)
    seen = marker.read_text()
    import time

    time.sleep(1.0)
    assert marker.read_text() == seen, "the chain still runs"
    assert not os.path.exists(f"/proc/{int(seen)}") or "Z" in open(f"/proc/{int(seen)}/stat").read().rsplit(")", 1)[1][:3]


def test_a_link_left_in_the_workers_folder_is_not_written_through(graded):
    document, _, judge = graded
    if document["learner_user"] == "separate":
        assert (judge / "victim.txt").read_text() == "the grader's own\n"


def test_the_reference_scores_everything_whatever_the_temporary_folder():
    # The workers' temporary files go in their own folder: with the grader's TMPDIR private
    # (0755, not the world-writable /tmp), a worker of its own user could not save a model
    # (the zygote had read TMPDIR before it forked), and lessons 04-08 scored nothing.
    with open_folder("mnist-course-private-tmp-") as private:
        result = subprocess.run(
            [sys.executable, "-m", "mnist_course.cli", "report", "--same-user", "--json", "--lessons", str(ROOT / "solutions")],
            cwd=ROOT, capture_output=True, text=True, timeout=900, env=dict(os.environ, TMPDIR=str(private)),
        )
    assert result.returncode == 0, result.stderr[-3000:]
    document = json.loads(result.stdout)
    assert document["points"] == 80, [(entry["number"], [(f["name"], f["first_message"]) for f in entry["functions"] if f["status"] != "passing"])
                                      for entry in document["lessons"]]


TEST_USERS = 0x5B000000  # user ids no grade hands out (they start at processes.WORKER_USERS)


@pytest.mark.skipif(not sys.platform.startswith("linux") or os.geteuid() != 0, reason="user ids are root's to give")
def test_grades_side_by_side_never_share_a_worker_user(monkeypatch, tmp_path):
    """Each grade claims its user id (a lock in a folder of root's): a second grade, even from
    the same process id, gets another; a grade after them gets neither (ids are drawn at random:
    a probe's grade left a setuid shell of its user behind, through which anyone reached the
    next grade's submission when it had the same id); an id drawn again is claimed again, and
    what a crashed grade's workers left running as it is killed first."""
    import signal
    import time

    from mnist_course.grading import processes

    # Locks and ids of the test's own: a grade running beside it (another test) keeps its user.
    monkeypatch.setattr(processes, "USER_LOCKS", tmp_path / "locks")
    monkeypatch.setattr(processes, "WORKER_USERS", TEST_USERS)
    first, second = processes.claimed_user(), processes.claimed_user()
    assert first != second
    # A worker of the first grade (a program it started), still running when its grade crashed.
    leftover = subprocess.Popen(["sleep", "60"], preexec_fn=lambda: processes.become_user(first))
    time.sleep(0.3)
    os.close(processes._CLAIMS.pop(first))  # the crash: its lock goes with its process
    try:
        with monkeypatch.context() as drawn:
            drawn.setattr(processes, "_drawn_users", lambda: iter([second, first]))
            assert processes.claimed_user() == first  # `second` is held
        assert leftover.wait(timeout=10) == -signal.SIGKILL
        assert processes.as_user(first, lambda: int("NoNewPrivs:\t1" not in open("/proc/self/status").read())) == 0
    finally:
        for uid in (first, second):
            processes.end_user(uid)
    later = processes.claimed_user()
    processes.end_user(later)
    assert later not in (first, second)
    assert not list((tmp_path / "locks").iterdir())  # each grade's lock file goes with it


# At import: run the course's own reference of this lesson, found beside the installed package
# (an outside probe of 2026-12-04 scored 80/80 with it, its workers of a user of their own).
BORROW_THE_REFERENCE = '''import pathlib as _p, mnist_course as _m
_src = _p.Path(_m.__file__).resolve().parent.parent / "solutions" / _p.Path(__file__).name
exec(compile(_src.read_text(), str(_src), "exec"))
'''


def test_a_submission_that_runs_the_courses_own_solutions_scores_nothing(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("graded as another user than root, the learner's code runs as that user and can "
                    "read what it can (docs/instructors.md says so)")
    submission = make_submission(tmp_path / "submission", {
        number: BORROW_THE_REFERENCE for number in ["01", "02", "03", "04", "05", "06", "07", "08"]})
    run = subprocess.run([sys.executable, "-m", "mnist_course.cli", "report", "--json", "--lessons",
                          str(submission / "lessons")], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    document = json.loads(run.stdout)
    assert document["learner_user"] == "separate" and document["points"] == 0, document["points"]
    assert not (ROOT / "solutions").stat().st_mode & 0o007  # and it stays so: other users cannot read it


def test_as_root_a_grade_whose_learner_would_run_as_root_is_refused_unless_asked(tmp_path):
    if os.geteuid() != 0 or not sys.platform.startswith("linux"):
        pytest.skip("only root can give the learner's code a user of its own")
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    mnist = private / "mnist.npz"
    mnist.symlink_to(os.environ["MNIST_PATH"])  # in a folder no other user may enter
    command = [sys.executable, "-m", "mnist_course.cli", "report", "--json", "--lessons", str(ROOT / "lessons")]
    env = dict(os.environ, MNIST_PATH=str(mnist))
    refused = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900, env=env)
    assert refused.returncode == 2 and not refused.stdout
    assert refused.stderr.startswith("mnist-course: not graded: the learner's code would run as root")
    assert f"{mnist} cannot be read by another user" in refused.stderr and "--same-user" in refused.stderr
    asked = subprocess.run(command + ["--same-user"], cwd=ROOT, capture_output=True, text=True, timeout=900, env=env)
    assert asked.returncode == 0, asked.stderr[-2000:]
    assert json.loads(asked.stdout)["learner_user"] == "same"


@pytest.mark.skipif(not sys.platform.startswith("linux") or os.geteuid() != 0, reason="user ids are root's to give")
def test_a_grades_user_reads_only_its_own_submission_keeps_no_files_and_forks_within_bounds(monkeypatch):
    with open_folder("mnist-course-own-") as folder:
        _reads_only_its_own_keeps_no_files_and_forks_within_bounds(folder, monkeypatch)


def _reads_only_its_own_keeps_no_files_and_forks_within_bounds(tmp_path, monkeypatch):
    import resource

    from mnist_course.companion.report import only_for
    from mnist_course.grading import processes

    # Locks and ids of the test's own: a grade running beside it (another test) keeps its user.
    monkeypatch.setattr(processes, "USER_LOCKS", tmp_path / "locks")
    monkeypatch.setattr(processes, "WORKER_USERS", TEST_USERS)
    monkeypatch.setattr(processes, "SHARED_TEMPORARY", (str(tmp_path / "shared"),))
    shared = tmp_path / "shared"
    (shared / "anyones").mkdir(parents=True)
    shared.chmod(0o1777)
    (shared / "anyones").chmod(0o1777)
    mine, theirs = processes.claimed_user(), processes.claimed_user()
    try:
        copy = tmp_path / "grade" / "lessons"
        copy.mkdir(parents=True)
        (copy / "lesson_01_load.py").write_text("x = 1\n")
        only_for(copy, mine)
        lesson = copy / "lesson_01_load.py"
        assert processes.as_user(mine, lambda: 0 if os.access(lesson, os.R_OK) else 1) == 0
        assert processes.as_user(theirs, lambda: 0 if not os.access(lesson, os.R_OK) else 1) == 0

        def leave_files() -> int:
            (shared / "left.txt").write_text("secret")
            (shared / "anyones" / "deep.txt").write_text("secret")
            (shared / "folder").mkdir()
            (shared / "folder" / "inside.txt").write_text("secret")
            return 0

        assert processes.as_user(mine, leave_files) == 0
        assert processes.as_user(mine, lambda: resource.getrlimit(resource.RLIMIT_NPROC)[0] == processes.WORKER_TASKS) == 1
    finally:
        processes.end_user(mine)
        processes.end_user(theirs)
    assert sorted(path.name for path in shared.rglob("*")) == ["anyones"]


# A probe's lessons 05 and 06 that change what the check hands them, so that the answer the
# check then works out from its own arrays (or model) agrees with whatever they returned.
REWRITES_THE_LABELS = '''

def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    import numpy as np
    y_val[...] = np.argmax(np.asarray(model(x_val, training=False)), axis=1)  # the check's labels
    return model.fit(x_train[:32], y_train[:32], epochs=1, verbose=0, validation_data=(x_val, y_val))
'''
ZEROES_THE_MODEL = '''

def predict_labels(model, x):
    import numpy as np
    for variable in model.variables:
        variable.assign(np.zeros(variable.shape, dtype=variable.dtype))
    return np.zeros(len(x), dtype=np.int64)


def accuracy(y_true, y_pred):
    y_pred[...] = y_true
    return 1.0


def confusion(y_true, y_pred):  # a reply too big to read: it was told as os._exit(0)
    import mnist_course.grading.worker as worker
    send = worker.Worker.send

    def bigger(self, header, blobs=()):
        header["stdout"] = "x" * (17 << 20)
        return send(self, header, blobs)

    worker.Worker.send = bigger
'''


@pytest.fixture(scope="module")
def rewriters():
    with open_folder("mnist-course-rewrites-") as folder:
        submission = make_submission(folder / "submission", {
            "05": reference_text("05") + REWRITES_THE_LABELS, "06": reference_text("06") + ZEROES_THE_MODEL,
        })
        run = subprocess.run(
            [sys.executable, "-m", "mnist_course.cli", "report", "--same-user", "--json", "--lessons",
             str(submission / "lessons"), "--time-limit", "300"],
            cwd=ROOT, capture_output=True, text=True, timeout=900,
        )
        assert run.returncode == 0, run.stderr[-3000:]
        yield json.loads(run.stdout)


@pytest.mark.parametrize("number, check, said", [
    ("05", "test_the_model_learns", "train() changed the ndarray it was given as its argument 5"),
    ("06", "test_predict_labels_picks_the_highest_score", "predict_labels() changed the model it was given"),
    ("06", "test_accuracy", "accuracy() changed the ndarray it was given as its argument 2"),
    ("06", "test_confusion_rows_are_true_digits", "the reply from your code was refused (a message of 17,"),
])
def test_a_function_that_rewrites_what_the_check_gave_it_fails_that_check(rewriters, number, check, said):
    checks = {entry["id"].rsplit("::", 1)[1]: entry for entry in lesson(rewriters, number)["checks"]}
    assert checks[check]["outcome"] == "failed", checks[check]
    assert said in checks[check]["message"], checks[check]["message"]


def failed(nodeid, number):
    return {"event": "test", "nodeid": nodeid, "lesson": number, "outcome": "failed", "message": "wrong"}


@pytest.mark.parametrize("tamper", ["none", "flipped", "unsigned line", "reordered", "line left out"])
def test_results_lines_are_signed_so_a_lesson_of_the_graders_user_cannot_write_them(tamper):
    # With --same-user, a lesson's code can open the results file: every line the checks write
    # carries an HMAC of itself and its place, under a key only the runner and the checks'
    # (undumpable) process hold; anything else in the file voids the child's lessons.
    import io
    import json

    from mnist_course.companion.runner import ResultLines
    from mnist_course.course import LESSONS

    nodeid = "checks/lesson_01/test_load.py::test_a"
    key = os.urandom(32)
    writer = ResultLines(key)
    lines = [writer.sign(json.dumps(event)) for event in
             ({"event": "start", "nodeid": nodeid, "lesson": "01"}, failed(nodeid, "01"), {"event": "finished", "exitstatus": 1})]
    if tamper == "flipped":
        lines[1] = lines[1].replace('"outcome": "failed"', '"outcome": "passed"')
    elif tamper == "unsigned line":
        lines.insert(2, json.dumps(passed(nodeid, "01")))
    elif tamper == "reordered":
        lines[0], lines[1] = lines[1], lines[0]
    elif tamper == "line left out":
        del lines[0]
    child, by_lesson, namespace = child_with({"01": [nodeid]})
    child.signed = ResultLines(key)
    child.process = namespace(returncode=1, poll=lambda: 1)
    child.events = io.StringIO("\n".join(lines) + "\n")
    child.poll()
    child.finish([LESSONS["01"]])
    if tamper == "none":
        assert [result.outcome for result in by_lesson["01"].results] == ["failed"]
        assert by_lesson["01"].collect_errors == []
    else:
        assert by_lesson["01"].results == [] and by_lesson["01"].passed == 0
        assert by_lesson["01"].collect_errors[0].startswith("not graded: a line of results the checks did not write")


def test_running_a_model_with_its_augmentation_on_is_not_changing_it():
    # model(x) without training=False moves a random layer's seed state: when grading, that
    # made a learner's predict_digit fail as "changed the model it was given", which the
    # learner's own run of the checks passes. Its weights changing is a change.
    import keras
    import numpy as np

    from mnist_course.grading.state import state_digest

    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.RandomRotation(0.1, seed=1),
                              keras.layers.Flatten(), keras.layers.Dense(10)])
    before = state_digest(model)
    model(np.random.default_rng(0).random((2, 28, 28, 1), dtype=np.float32))
    assert state_digest(model) == before
    model.layers[-1].kernel.assign(np.zeros((784, 10)))
    assert state_digest(model) != before


def test_a_grade_whose_checks_change_while_it_runs_is_void(tmp_path):
    # With --same-user a lesson's code can write the course it is graded with: a probe's
    # rewrote checks/conftest.py to pass every check (then put it back). A change that is
    # still there when the grade ends voids it.
    from companion_course import copy_course

    course = copy_course(tmp_path / "course")
    touched = course / "checks" / "lesson_01" / "written_by_the_learner.py"
    submission = make_submission(tmp_path / "submission", {
        "01": reference_text("01") + f"\nopen({str(touched)!r}, 'w').write('# the learner was here')\n",
    })
    run = subprocess.run(
        [sys.executable, "-m", "mnist_course.cli", "report", "--same-user", "--json", "--lessons",
         str(submission / "lessons")], cwd=course, capture_output=True, text=True, timeout=900,
    )
    assert touched.exists(), run.stderr[-2000:]
    assert run.returncode == 2 and not run.stdout, run.stderr[-2000:]
    assert "not graded: the course's checks or package changed while this submission was graded" in run.stderr
