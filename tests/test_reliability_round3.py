"""Reliability, round 3 (issue 22): files that are not what they seem, a learner's files
that must never be lost, and the messages and permissions a learner meets.

Each section names the case of the issue it covers; case 2 (`update`) is tested in
test_companion_update.py, beside the classroom course it updates.
"""

from __future__ import annotations

import importlib.util
import os
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from companion_course import ROOT, assert_refused, cli_command, cli_env, copy_course, mnist_course


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A scratch course shared by the tests that only read it."""
    return copy_course(tmp_path_factory.mktemp("round3") / "course")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    from test_reliability_models import tiny_model

    path = tmp_path_factory.mktemp("tiny") / "tiny.keras"
    tiny_model().save(path)
    return path


# --- Case 1: MNIST_PATH that is a device or a pipe ------------------------------------------------


def _at_most_4_gb():
    # Before the fix /dev/zero was read to its end: fail fast with MemoryError, not eat the machine.
    resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))


def test_mnist_path_to_a_device_is_refused_before_reading(course, tiny):
    run = subprocess.run(
        cli_command("evaluate", "--solutions", "--model", str(tiny)),
        cwd=course, env=cli_env(MNIST_PATH="/dev/zero"), capture_output=True, text=True,
        timeout=120, stdin=subprocess.DEVNULL, preexec_fn=_at_most_4_gb,
    )
    assert_refused(run, "/dev/zero", "not a regular file", "MNIST_PATH")


def test_mnist_path_to_a_fifo_neither_hangs_evaluate_nor_doctor(course, tiny, tmp_path):
    fifo = tmp_path / "mnist.npz"
    os.mkfifo(fifo)
    run = mnist_course(course, "evaluate", "--solutions", "--model", str(tiny), timeout=120,
                       MNIST_PATH=str(fifo))
    assert_refused(run, str(fifo), "not a regular file")
    doctor = mnist_course(course, "doctor", timeout=180, MNIST_PATH=str(fifo))
    assert doctor.returncode == 1, doctor.stdout + doctor.stderr
    assert "MNIST_PATH is set but unusable" in doctor.stdout and "not a regular file" in doctor.stdout



def test_an_array_longer_in_the_zip_than_its_header_is_refused_before_it_is_read(tmp_path, monkeypatch):
    """The zip's declared length and the .npy header's must agree, so no read goes past either."""
    from test_data import archive_with, npy_bytes, small_arrays

    from mnist_course.training import data

    members = {key: npy_bytes(a.shape, data_bytes=a.tobytes()) for key, a in small_arrays().items()}
    members["x_test"] += bytes(256 * 2**20)  # 256 MiB more than declared, a few hundred KB zipped
    path = archive_with(tmp_path / "longer.npz", members)

    def never(*args, **kwargs):
        raise AssertionError("np.load was reached")

    monkeypatch.setattr(np, "load", never)
    with pytest.raises(data.MnistFileError, match=r"damaged \(x_test.npy holds .* its header declares"):
        data.read_mnist_file(path)


# --- Case 4: a lesson saved with a UTF-8 BOM (Windows Notepad) ----------------------------------

BOM = b"\xef\xbb\xbf"
LESSON_02 = Path("lessons") / "lesson_02_prepare.py"
MY_NORMALIZE = (
    "def normalize(images):\n"
    '    """Scale pixel values from 0..255 to 0.0..1.0 (my way)."""\n'
    "    return np.asarray(images, dtype=np.float32) * np.float32(1 / 255.0)\n"
)
NOTEBOOK_CELLS = '''
import numpy as np
from mnist_course.notebooks.in_notebook import check, start

{function}

def run():
    start("02")
    return check("normalize")
'''


def notebook_check(course: Path, tmp_path: Path, monkeypatch):
    """`start("02")` then `check("normalize")` as a notebook runs them, `normalize` passing its checks."""
    monkeypatch.chdir(course)  # start() moves to the course: the test's own folder comes back after
    cells = tmp_path / "notebook_cells.py"  # inspect.getsource needs the cells' code in a file
    cells.write_text(NOTEBOOK_CELLS.format(function=MY_NORMALIZE), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"cells_{abs(hash(str(cells)))}", cells)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.run()


def stub_with_notes(course: Path) -> bytes:
    return (course / LESSON_02).read_bytes() + b"# my notes\n"


def test_compare_reads_a_lesson_saved_with_a_bom(scratch_course):
    from companion_course import solve

    solve(scratch_course, "02")
    path = scratch_course / LESSON_02
    path.write_bytes(BOM + path.read_bytes())
    run = mnist_course(scratch_course, "compare", "02", "--force", timeout=120)
    assert run.returncode == 0, run.stderr
    assert "normalize()" in run.stdout and "same as the reference" in run.stdout


def test_a_notebook_check_saves_into_a_lesson_saved_with_a_bom(scratch_course, tmp_path, monkeypatch):
    path = scratch_course / LESSON_02
    path.write_bytes(BOM + stub_with_notes(scratch_course))
    report = notebook_check(scratch_course, tmp_path, monkeypatch)
    assert report.passed and "Saved normalize()" in report.note, repr(report)
    saved = path.read_bytes().decode("utf-8-sig")
    assert "np.float32(1 / 255.0)" in saved and saved.endswith("# my notes\n")


# --- Case 5: `reset` while an editor saves the lesson ---------------------------------------------

# An editor's save lands between reset's read of the lesson and its replacement: after each
# backup the course makes, the lesson file changes (`saves` times at most).
EDITOR_SAVES_DURING_RESET = """
import itertools
from pathlib import Path
from mnist_course.companion import backups
_save, _count = backups.save, itertools.count(1)
def save(workspace, unit, data, *args, **kwargs):
    backup = _save(workspace, unit, data, *args, **kwargs)
    number = next(_count)
    if number <= {saves}:
        Path("{lesson}").write_bytes(b"# editor save %d\\n" % number)
    return backup
backups.save = save
"""


def kept_backups(course: Path) -> list[bytes]:
    return [path.read_bytes() for path in sorted((course / ".course" / "backups" / "lesson_02").glob("*.py"))]


def test_reset_backs_up_the_save_it_replaces_not_the_one_it_read_first(scratch_course):
    from faults import run_cli_with

    stub = (scratch_course / LESSON_02).read_bytes()
    (scratch_course / LESSON_02).write_bytes(b"# my first version\n")
    run = run_cli_with(EDITOR_SAVES_DURING_RESET.format(saves=1, lesson=LESSON_02), "reset", "02",
                       cwd=scratch_course)
    assert run.returncode == 0, run.stderr
    assert (scratch_course / LESSON_02).read_bytes() == stub
    # The editor's save is what the stub replaced: it is in a backup, the one the output names.
    assert kept_backups(scratch_course) == [b"# editor save 1\n"]
    assert "--restore" in run.stdout


def test_reset_of_a_lesson_that_keeps_changing_is_refused_and_loses_nothing(scratch_course):
    from faults import one_line_error, run_cli_with

    (scratch_course / LESSON_02).write_bytes(b"# my first version\n")
    run = run_cli_with(EDITOR_SAVES_DURING_RESET.format(saves=1000, lesson=LESSON_02), "reset", "02",
                       cwd=scratch_course)
    line = one_line_error(run)
    assert "kept changing" in line and "mnist-course reset 02" in line, line
    saved = (scratch_course / LESSON_02).read_bytes()
    assert saved.startswith(b"# editor save ")  # the editor's last save, in place
    assert kept_backups(scratch_course) == []  # no backup of a change that did not happen


# --- Case 6: a lesson's form (CRLF, BOM) and a symlinked lesson are kept --------------------------


def test_a_notebook_save_keeps_crlf_and_bom_and_backs_up_the_original_bytes(scratch_course, tmp_path, monkeypatch):
    path = scratch_course / LESSON_02
    original = BOM + stub_with_notes(scratch_course).replace(b"\n", b"\r\n")
    path.write_bytes(original)
    report = notebook_check(scratch_course, tmp_path, monkeypatch)
    assert report.passed and "Saved normalize()" in report.note, repr(report)
    saved = path.read_bytes()
    assert saved.startswith(BOM) and b"np.float32(1 / 255.0)\r\n" in saved
    assert b"\n" not in saved.replace(b"\r\n", b""), "every line still ends with CRLF"
    assert kept_backups(scratch_course) == [original]


def linked_lesson(course: Path) -> Path:
    """lessons/lesson_02_prepare.py as a symlink to the learner's own copy, outside the course."""
    mine = course.parent / "my-work" / "lesson_02_prepare.py"
    mine.parent.mkdir()
    mine.write_bytes(stub_with_notes(course))
    (course / LESSON_02).unlink()
    (course / LESSON_02).symlink_to(mine)
    return mine


def test_reset_and_a_notebook_save_write_through_a_symlinked_lesson(scratch_course, tmp_path, monkeypatch):
    stub = (scratch_course / LESSON_02).read_bytes()
    mine = linked_lesson(scratch_course)
    work = mine.read_bytes()
    reset = mnist_course(scratch_course, "reset", "02")
    assert reset.returncode == 0, reset.stderr
    assert (scratch_course / LESSON_02).is_symlink() and mine.read_bytes() == stub
    assert kept_backups(scratch_course) == [work]
    mine.write_bytes(work)
    report = notebook_check(scratch_course, tmp_path, monkeypatch)
    assert report.passed and "Saved normalize()" in report.note, repr(report)
    assert (scratch_course / LESSON_02).is_symlink() and b"np.float32(1 / 255.0)" in mine.read_bytes()


# --- Case 9: files the course writes respect the umask -------------------------------------------


@pytest.fixture
def umask_027():
    previous = os.umask(0o027)  # a group (the teaching assistants) may read, others not
    yield 0o640
    os.umask(previous)


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_models_pictures_and_state_are_written_with_the_umask(tmp_path, umask_027):
    from test_reliability_models import tiny_model

    from mnist_course.training import data, model_files
    from mnist_course.check_support.failure_pictures import save_failure_picture

    saved = model_files.save_model(tiny_model(), tmp_path / "models" / "mine.keras")
    assert mode(saved.path) == umask_027
    replaced = model_files.save_model(tiny_model(), saved.path, replace=True)
    assert mode(replaced.path) == umask_027 and mode(replaced.kept) == umask_027
    picture = save_failure_picture(tmp_path / "failures" / "check.png", [("input", {"x": np.zeros((28, 28))})])
    assert mode(picture) == umask_027
    data.remember(saved.path, tmp_path)  # any file: only its path is noted
    assert mode(tmp_path / ".course" / "mnist.json") == umask_027
    from mnist_course.check_support.pytest_plugin import save_npz_atomically

    save_npz_atomically(tmp_path / "cache" / "subsets.npz", x=np.zeros(3))
    assert mode(tmp_path / "cache" / "subsets.npz") == umask_027


def test_a_trained_model_is_readable_by_the_group_under_umask_022(scratch_course):
    run = subprocess.run(
        cli_command("train", "--solutions", "--limit", "100", "--epochs", "1", "--no-augment"),
        cwd=scratch_course, env=cli_env(), capture_output=True, text=True, timeout=300,
        stdin=subprocess.DEVNULL, preexec_fn=lambda: os.umask(0o022),
    )
    assert run.returncode == 0, run.stderr[-2000:]
    (model,) = (scratch_course / ".course" / "models").glob("*.keras")
    assert mode(model) == 0o644


# --- Case 10: a save killed outright leaves a temporary that the next save or load removes ---------

KILLED_DURING_SAVE = """
import time, keras
from pathlib import Path
def save(self, path, *args, **kwargs):
    Path(path).write_bytes(b"PK half a model")
    Path({flag!r}).touch()
    time.sleep(300)
keras.Model.save = save
"""
QUICK_TRAIN = ("train", "--solutions", "--limit", "100", "--epochs", "1", "--no-augment")


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.glob(".saving-*"))


@pytest.mark.slow
def test_a_save_killed_by_sigkill_is_cleaned_by_the_next_save(scratch_course, tmp_path):
    from faults import popen_cli_with

    flag = tmp_path / "saving"
    child = popen_cli_with(KILLED_DURING_SAVE.format(flag=str(flag)), *QUICK_TRAIN, cwd=scratch_course)
    deadline = time.monotonic() + 300
    while not flag.exists():
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.2)
    child.send_signal(signal.SIGKILL)  # no finally block runs: the temporary stays
    child.communicate(timeout=60)
    models = scratch_course / ".course" / "models"
    assert len(leftovers(models)) == 1
    run = mnist_course(scratch_course, *QUICK_TRAIN)
    assert run.returncode == 0, run.stderr[-2000:]
    assert leftovers(models) == [] and len(list(models.glob("*.keras"))) == 1


def test_stale_temporaries_go_and_a_save_in_progress_stays(tmp_path, tiny):
    from mnist_course.training import model_files

    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    host = model_files.saving_prefix().split("@", 1)[1]
    dead = tmp_path / f".saving-{finished.pid}@{host}abc.keras"  # its writer is gone
    old = tmp_path / ".saving-x1y2z3.keras"  # no writer named (an older course): by age
    alive = tmp_path / f"{model_files.saving_prefix()}def.keras"  # this process: still saving
    for path in (dead, old, alive):
        path.write_bytes(b"")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    model_files.load_model(shutil.copy(tiny, tmp_path / "tiny.keras"))
    assert leftovers(tmp_path) == [alive.name]
    os.utime(alive, (an_hour_ago, an_hour_ago))  # a save does not take an hour: its writer is stuck
    from test_reliability_models import tiny_model

    model_files.save_model(tiny_model(), tmp_path / "mine.keras")
    assert leftovers(tmp_path) == []


# --- Case 11: the time-limit message gives a command that runs as shown ---------------------------

LESSON_03 = Path("lessons") / "lesson_03_explore.py"


@pytest.mark.slow
@pytest.mark.parametrize(
    "where, change, named",
    [
        ("module level", lambda text: text + "\nwhile True:  # at import\n    pass\n", None),
        ("a comprehension in label_counts", lambda text: text.replace(
            "def label_counts(y):", "def label_counts(y):\n    [n for n in iter(int, 1)]", 1), "label_counts"),
    ],
)
def test_a_time_limit_suggests_a_hint_command_the_shell_can_run(scratch_course, where, change, named):
    from companion_course import solve

    from mnist_course.companion.runner import run_checks
    from mnist_course.course import LESSONS
    from mnist_course.course.workspace import Workspace

    solve(scratch_course, "03")
    path = scratch_course / LESSON_03
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    results = run_checks(Workspace(scratch_course), [LESSONS["03"]], limit=5).lessons["03"]
    assert results.timed_out is not None, where
    (message,) = [result.message for result in results.failures if "did not" in result.message]
    assert "<" not in message and ">" not in message, message  # a shell would read a redirect
    assert "lessons/lesson_03_explore.py:" in message, message
    command = shlex.split(message.rsplit("·", 1)[1])
    assert command == ["mnist-course", "hint", "03", *([named] if named else [])], message
    run = mnist_course(scratch_course, *command[1:])
    assert run.returncode == 0 and run.stdout.strip(), run.stdout + run.stderr


# --- Case 12: installing the course prints no setuptools warnings -----------------------------------


@pytest.mark.slow
def test_building_the_course_warns_about_nothing_and_ships_its_data_files(tmp_path):
    """`pip install -e .` is the first command a learner runs: the build it makes must be quiet.

    Built as pip builds it, in an isolated environment with the setuptools pyproject.toml asks
    for (the course's own environment may hold an older one), from a copy of the course with a
    `__pycache__` in the package, as a learner's checkout has after the first run.
    """
    from mnist_course.course.workspace import Workspace

    source = Workspace(ROOT).copy_to(tmp_path / "course")
    (source / "mnist_course" / "__pycache__").mkdir(exist_ok=True)
    (source / "mnist_course" / "__pycache__" / "course.cpython-311.pyc").write_bytes(b"")
    run = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir", "-w", str(tmp_path / "dist"),
         str(source)],
        capture_output=True, text=True, timeout=600,
    )
    if run.returncode and "No matching distribution found for setuptools" in run.stdout + run.stderr:
        pytest.skip("pip cannot fetch setuptools for the isolated build (offline?)")
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-3000:]
    for noise in ("would be ignored", "Warning", "!!"):
        assert noise not in output, output
    (wheel,) = (tmp_path / "dist").glob("mnist_course-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in ("mnist_course/draw/static/index.html", "mnist_course/draw/static/draw.js",
                    "mnist_course/companion/report.schema.json", "mnist_course/notebooks/build.py",
                    "mnist_course/moved.py", "mnist_course/check_support/pytest_plugin.py"):
        assert shipped in names, sorted(names)
    assert not any("__pycache__" in name for name in names), sorted(names)
