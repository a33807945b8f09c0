"""One clear line, never a traceback (issue 12, cases 3, 8, 9, 10 and 11): learner code that
fails, data that cannot be read, faults of the disk, and the smaller inputs that used to crash.

Faults a CI machine cannot make for real (a full disk, a read-only folder when running as
root, running out of memory, being offline) are injected into a real `mnist-course` run
(see faults.py).
"""

from __future__ import annotations

import json
import shutil
import signal
import time
from pathlib import Path

import numpy as np
import pytest

from companion_course import mnist_course, solve
from conftest import ROOT, copy_course, run_cli, run_learner_checks
from faults import fail_writes_under, one_line_error, popen_cli_with, run_cli_with

EXAMPLES = sorted((ROOT / "examples").glob("*.png"))
LESSON_02 = "lesson_02_prepare.py"
TRAIN = ("train", "--limit", "100", "--epochs", "1", "--no-augment")


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A scratch course shared by the tests that only read it."""
    return copy_course(tmp_path_factory.mktemp("reliability") / "course")


def impl_with(tmp_path: Path, lesson_file: str, change) -> Path:
    """A copy of solutions/ in which `change(text)` rewrote one lesson file."""
    folder = tmp_path / "mine"
    shutil.copytree(ROOT / "solutions", folder)
    path = folder / lesson_file
    path.write_text(change(path.read_text()))
    return folder


# --- Case 8: learner code that fails ------------------------------------------------------------


@pytest.mark.parametrize(
    "case, change, says",
    [
        ("syntax error", lambda t: t + "\ndef broken(:\n", ["cannot be imported", "SyntaxError"]),
        ("sys.exit at import", lambda t: t + "\nimport sys\nsys.exit(3)\n", ["cannot be imported", "sys.exit(3)"]),
        ("sys.exit in a function", lambda t: t.replace(
            "def normalize(images):", "def normalize(images):\n    import sys; sys.exit(3)"),
         ["normalize() raised SystemExit", "line"]),
        ("an exception", lambda t: t.replace(
            "def normalize(images):", "def normalize(images):\n    return images / undefined_name"),
         ["normalize() raised NameError", "undefined_name"]),
        ("normalize returns None", lambda t: t.replace(
            "def normalize(images):", "def normalize(images):\n    return None"),
         ["normalize() returned None", "return"]),
    ],
)
def test_learner_code_failures_are_one_teaching_line(tmp_path, case, change, says):
    impl = impl_with(tmp_path, LESSON_02, change)
    for command in (TRAIN, ("evaluate", "--model", str(tmp_path / "unused.keras"))):
        if command[0] == "evaluate":
            from test_reliability_models import tiny_model

            tiny_model().save(tmp_path / "unused.keras")
        line = one_line_error(run_cli(*command, "--impl", str(impl), cwd=ROOT))
        assert "Lesson 02" in line, line
        for word in says:
            assert word in line, (case, line)
        assert "--solutions" in line  # what to do


def test_a_lesson_07_that_cannot_import_stops_predict_in_one_line(tmp_path):
    impl = impl_with(tmp_path, "lesson_07_predict.py", lambda t: t + "\nraise RuntimeError('oops')\n")
    from test_reliability_models import tiny_model

    tiny_model().save(tmp_path / "m.keras")
    line = one_line_error(run_cli("predict", "--impl", str(impl), "--model", str(tmp_path / "m.keras"),
                                  str(EXAMPLES[0]), cwd=ROOT))
    assert "Lesson 07" in line and "RuntimeError: oops" in line


# --- Case 3: data and environment faults at the CLI boundary ------------------------------------


@pytest.mark.parametrize("kind", ["npy", "folder", "random bytes", "missing"])
def test_bad_mnist_files_are_one_line_in_train_and_evaluate(tmp_path, quick_model, kind):
    path = tmp_path / ("x.npy" if kind == "npy" else "mnist.npz")
    if kind == "npy":
        np.save(path, np.zeros(3))
    elif kind == "folder":
        path.mkdir()
    elif kind == "random bytes":
        path.write_bytes(np.random.default_rng(0).bytes(5000))
    for command in (TRAIN, ("evaluate", "--model", str(quick_model))):
        line = one_line_error(run_cli_with("", *command, "--solutions", cwd=ROOT, MNIST_PATH=str(path)))
        assert path.name in line or "load_mnist" in line, line


OFFLINE = """
import os
os.environ.pop("MNIST_PATH", None)
import keras.datasets.mnist as mnist
def offline(*args, **kwargs):
    raise Exception("URL fetch failure on https://storage.googleapis.com/mnist.npz: None -- "
                    "[Errno -3] Temporary failure in name resolution")
mnist.load_data = offline
"""


def test_offline_without_mnist_path_is_one_line(tmp_path):
    fresh = copy_course(tmp_path / "course")  # a course that remembers no MNIST file yet
    run = run_cli_with(OFFLINE, *TRAIN, "--solutions", cwd=fresh)
    line = one_line_error(run)
    assert "could not be downloaded" in line and "MNIST_PATH" in line


def test_running_out_of_memory_is_one_line():
    fault = """
    import numpy as np
    _load = np.load
    def load(*args, **kwargs):
        raise MemoryError()
    np.load = load
    """
    line = one_line_error(run_cli_with(fault, *TRAIN, "--solutions", cwd=ROOT))
    assert "ran out of memory" in line and "--limit" in line


def test_an_unexpected_internal_error_is_one_line_with_the_debug_switch():
    fault = """
    import mnist_course.training.pipeline as p
    def broken(*args, **kwargs):
        raise TypeError("an internal bug")
    p.train_and_save = broken
    """
    line = one_line_error(run_cli_with(fault, *TRAIN, "--solutions", cwd=ROOT))
    assert "TypeError: an internal bug" in line and "MNIST_COURSE_DEBUG=1" in line
    debug = run_cli_with(fault, *TRAIN, "--solutions", cwd=ROOT, MNIST_COURSE_DEBUG="1")
    assert "Traceback" in debug.stderr and debug.returncode == 1


# Ctrl-C while the CLI's libraries load, before any handler: as the command is started, and as
# `python -m mnist_course.cli`.
CTRL_C_WHILE_LOADING = """
import builtins, runpy, sys
_import = builtins.__import__
def pressed(name, *args, **kwargs):
    if name == "typer":
        raise KeyboardInterrupt
    return _import(name, *args, **kwargs)
builtins.__import__ = pressed
sys.argv = ["mnist-course", "--help"]
"""


@pytest.mark.parametrize("start", [
    "from mnist_course.entry import main; main()",
    "runpy.run_module('mnist_course.cli', run_name='__main__', alter_sys=True)",
])  # fmt: skip
def test_ctrl_c_while_the_cli_loads_is_one_line(start):
    """It was a full traceback, and a death by SIGINT."""
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", CTRL_C_WHILE_LOADING + start], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert (run.returncode, run.stderr, run.stdout) == (130, "mnist-course: interrupted\n", "")


def test_the_installed_command_starts_at_the_entry_that_takes_ctrl_c():
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["mnist-course"] == "mnist_course.entry:main"


# --- Case 9: predict streams, keeps nothing, and says what was done on Ctrl-C ------------------


@pytest.fixture(scope="module")
def quick_model(tmp_path_factory) -> Path:
    from test_reliability_models import tiny_model

    path = tmp_path_factory.mktemp("quick") / "quick.keras"
    tiny_model().save(path)
    return path


def test_predict_keeps_no_decoded_picture_once_its_result_is_out(quick_model):
    import gc
    import weakref

    from mnist_course.training.pipeline import Implementation
    from mnist_course.training.predict import predict_images

    impl = Implementation(ROOT / "solutions")
    read = impl.function("07", "read_image")
    alive = []

    class Tracked(np.ndarray):
        pass

    def tracked_read(path):
        grey = np.asarray(read(path)).view(Tracked)
        alive.append(weakref.ref(grey))
        return grey

    real_function = impl.function
    impl.function = lambda n, name: tracked_read if name == "read_image" else real_function(n, name)
    paths = EXAMPLES[:4]
    for count, result in enumerate(predict_images(ROOT, impl, paths, quick_model), start=1):
        assert result.error is None and result.image is None
        gc.collect()
        assert len(alive) == count and all(ref() is None for ref in alive), count


BLOCK_ON_SECOND = """
import signal, time
signal.signal(signal.SIGINT, signal.default_int_handler)
import mnist_course.training.pipeline as p
_function = p.Implementation.function
def function(self, number, name):
    real = _function(self, number, name)
    if name != "read_image":
        return real
    def read(path):
        if str(path).endswith("block.png"):
            time.sleep(300)
        return real(path)
    return read
p.Implementation.function = function
"""


@pytest.mark.slow
def test_predict_prints_each_result_at_once_and_ctrl_c_says_what_was_done(quick_model, tmp_path):
    block = tmp_path / "block.png"
    block.write_bytes(EXAMPLES[1].read_bytes())
    child = popen_cli_with(BLOCK_ON_SECOND, "predict", "--solutions", "--model", str(quick_model),
                           str(EXAMPLES[0]), str(block), str(EXAMPLES[2]), cwd=ROOT)
    first = child.stdout.readline()  # arrives while the second picture is still being read
    assert first.startswith(f"{EXAMPLES[0]}: "), first
    time.sleep(1)
    child.send_signal(signal.SIGINT)
    rest, stderr = child.communicate(timeout=60)
    run = type("Run", (), {"returncode": child.returncode, "stdout": first + rest, "stderr": stderr})
    line = one_line_error(run, code=130)
    assert "interrupted after 1 of 3 pictures" in line


def test_explain_into_a_folder_that_cannot_be_written_keeps_the_predictions(quick_model, tmp_path):
    out = tmp_path / "explained"
    run = run_cli_with(fail_writes_under(out, "EROFS") + """
    import matplotlib.figure
    def savefig(self, path, *args, **kwargs):
        raise PermissionError(30, "Read-only file system", str(path))
    matplotlib.figure.Figure.savefig = savefig
    """, "predict", "--solutions", "--model", str(quick_model), "--explain", str(out),
        *map(str, EXAMPLES[:3]), cwd=ROOT)
    line = one_line_error(run)
    assert "could not write the explanation figures" in line and "read-only" in line
    assert [row.split(":")[0] for row in run.stdout.splitlines() if not row.startswith("  ")] == \
        [str(p) for p in EXAMPLES[:3]]


def test_a_wrong_shaped_means_cache_is_made_again(tmp_path, monkeypatch):
    from mnist_course.training.predict import mnist_means
    from mnist_course.course.workspace import Workspace

    course = tmp_path / "c"
    shutil.copytree(ROOT / "solutions", course / "solutions")
    cache = Workspace(course).mnist_means
    cache.parent.mkdir(parents=True)
    for bad in (np.zeros((3, 3)), np.full((10, 28, 28), np.nan), b"not numpy"):
        if isinstance(bad, bytes):
            cache.write_bytes(bad)
        else:
            np.save(cache, bad)
        means = mnist_means(course)
        assert means.shape == (10, 28, 28) and np.isfinite(means).all()
        assert np.load(cache).shape == (10, 28, 28)


# --- Case 10: reset and backups when the disk says no -----------------------------------------


@pytest.fixture
def worked(tmp_path):
    """A scratch course with some of the learner's own work in lesson 02."""
    course = copy_course(tmp_path / "course")
    solve(course, "02", ["normalize"])
    path = course / "lessons" / LESSON_02
    path.write_text(path.read_text() + "# my own notes\n")
    return course, path, path.read_bytes()


def backups_of(course: Path) -> list[str]:
    folder = course / ".course" / "backups"
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


WRITE_FAILURES = [("ENOSPC", "disk is full", "free some disk space"),
                  ("EROFS", "read-only", "copy the course to a folder you can write to"),
                  ("EACCES", "permission denied", "make the course folder yours")]


@pytest.mark.parametrize("error, says, to_try", WRITE_FAILURES)
def test_reset_with_backups_that_cannot_be_written(worked, error, says, to_try):
    course, path, work = worked
    run = run_cli_with(fail_writes_under(course / ".course", error), "reset", "02", cwd=course)
    line = one_line_error(run)
    assert "could not back up" in line and says in line and to_try in line
    assert path.read_bytes() == work and backups_of(course) == []


@pytest.mark.parametrize("error, says, to_try", WRITE_FAILURES)
def test_reset_with_lessons_that_cannot_be_written_leaves_no_backup(worked, error, says, to_try):
    course, path, work = worked
    run = run_cli_with(fail_writes_under(course / "lessons", error), "reset", "02", cwd=course)
    line = one_line_error(run)
    assert f"could not write lessons/{LESSON_02}" in line and says in line and to_try in line
    assert path.read_bytes() == work and backups_of(course) == []


def test_reset_with_a_file_where_the_backups_folder_should_be(worked):
    course, path, work = worked
    (course / ".course").mkdir(exist_ok=True)
    (course / ".course" / "backups").write_text("a file, not a folder")
    line = one_line_error(mnist_course(course, "reset", "02"))
    assert "could not back up" in line
    assert path.read_bytes() == work


def test_restore_that_cannot_write_the_lesson_removes_its_backup(worked):
    course, path, work = worked
    assert mnist_course(course, "reset", "02").returncode == 0
    before = backups_of(course)
    stub = path.read_bytes()
    solve(course, "02", ["validate_shapes"])
    second = path.read_bytes()
    assert second != stub
    run = run_cli_with(fail_writes_under(course / "lessons", "EROFS"), "reset", "02", "--restore", cwd=course)
    assert "could not write" in one_line_error(run)
    assert path.read_bytes() == second and backups_of(course) == before


# --- Case 11: the smaller ones --------------------------------------------------------------------


def test_a_deeply_nested_backup_record_is_damaged_not_a_crash(worked):
    course, path, work = worked
    assert mnist_course(course, "reset", "02").returncode == 0
    (record,) = (course / ".course" / "backups" / "lesson_02").glob("*.json")
    record.write_text("[" * 100_000 + "]" * 100_000)
    listing = mnist_course(course, "reset", "--list")
    assert listing.returncode == 0 and "damaged" in listing.stdout, listing.stderr[-2000:]
    line = one_line_error(mnist_course(course, "reset", "02", "--restore"))
    assert "damaged" in line


@pytest.mark.parametrize("number", ["²", "٣", "9" * 5000, "+1", "two"])
def test_odd_lesson_numbers_are_one_line(course, number):
    line = one_line_error(mnist_course(course, "hint", number))
    assert "there is no lesson" in line and len(line) < 200


@pytest.mark.parametrize(
    "text, says",
    [
        ("[lesson_02\nnormalize = 1\n", "cannot be read"),
        ("lesson_02 = 'not a table'\n", "not a table"),
        ("[lesson_02.normalize]\nlevels = 'one string'\n", "needs levels"),
        (b"\xff\xfe not utf-8", "cannot be read"),
    ],
)
def test_a_broken_hints_file_is_one_line(tmp_path, text, says):
    course = copy_course(tmp_path / "course")
    hints = course / "hints.toml"
    hints.write_bytes(text if isinstance(text, bytes) else text.encode())
    line = one_line_error(mnist_course(course, "hint", "02"))
    assert "hints.toml" in line and says in line


def test_a_broken_hints_file_does_not_break_the_checks(tmp_path):
    course = copy_course(tmp_path / "course")
    (course / "hints.toml").write_text("[lesson_02\n")
    run = run_learner_checks("checks/lesson_02", "-q", "-x", cwd=course, timeout=300)
    assert "INTERNALERROR" not in run.stdout + run.stderr, run.stdout[-3000:]
    assert "not implemented yet" in run.stdout and run.returncode == 1, run.stdout[-3000:]


def test_doctor_survives_an_npy_mnist_path(tmp_path, course):
    from companion_course import mnist_course as cli

    np.save(tmp_path / "x.npy", np.zeros(3))
    run = cli(course, "doctor", MNIST_PATH=str(tmp_path / "x.npy"))
    assert "Traceback" not in run.stderr and run.returncode == 1, run.stderr[-2000:]
    assert "MNIST_PATH is set but unusable" in run.stdout


@pytest.mark.parametrize("fault", [MemoryError(), TypeError("'NpzFile' expected")])
def test_doctor_reports_any_mnist_loading_failure_as_a_red_line(tmp_path, monkeypatch, fault):
    from mnist_course.companion import doctor
    from mnist_course.course.workspace import Workspace

    path = tmp_path / "mnist.npz"
    path.write_bytes(b"declares a terabyte")
    monkeypatch.setenv("MNIST_PATH", str(path))

    def load(*args, **kwargs):
        raise fault

    monkeypatch.setattr(np, "load", load)
    finding = doctor.check_mnist(Workspace(ROOT))
    assert finding.state == doctor.FAIL and "MNIST_PATH is set but unusable" in finding.detail
    assert str(path) in finding.detail


def test_hint_with_a_read_only_course_folder_is_one_line(tmp_path):
    course = copy_course(tmp_path / "course")
    run = run_cli_with(fail_writes_under(course / ".course", "EROFS"), "hint", "02", cwd=course)
    assert "Hint 1 of 3" in run.stdout  # the hint itself is still shown
    line = one_line_error(run)
    assert "read-only" in line and "hints.json" in line


def test_a_file_named_like_the_course_state_folder_says_to_move_it(worked):
    """A file `.course` made hint say "File exists (.../.course)" and reset "Not a directory
    ... run this again", which it never would."""
    course, path, work = worked
    (course / ".course").write_text("a file, not the course's folder")
    aside = f"move it aside (`mv {course / '.course'} {course / '.course'}.old`)"
    for command, says in ((("hint", "02"), "hints.json could not remember it"),
                          (("reset", "02"), "could not back up")):
        line = one_line_error(mnist_course(course, *command))
        assert says in line, line
        assert f"{course / '.course'} is a file where the course keeps a folder" in line, line
        assert aside in line, line
        assert "File exists" not in line and "Not a directory" not in line, line
    assert line.endswith("run this again once it is moved."), line
    assert path.read_bytes() == work


def test_reset_of_a_lesson_that_is_a_folder_says_how_to_move_it(tmp_path):
    course = copy_course(tmp_path / "course")
    path = course / "lessons" / LESSON_02
    path.unlink()
    path.mkdir()
    (path / "notes.txt").write_text("mine")
    line = one_line_error(mnist_course(course, "reset", "02"))
    assert f"lessons/{LESSON_02} cannot be read" in line
    assert f"`mv lessons/{LESSON_02} {LESSON_02}.old`" in line, line
    assert (path / "notes.txt").read_text() == "mine"


CTRL_C_IN_A_COMMAND = """
import sys
import {module} as where
def pressed(*args, **kwargs):
    raise KeyboardInterrupt
setattr(where, "{name}", pressed)
from mnist_course.cli import main
main({argv!r})
"""


@pytest.mark.parametrize(("argv", "module", "name", "outcome"), [
    (["doctor"], "mnist_course.companion.doctor", "doctor", "nothing was changed."),
    (["hint", "02", "normalize"], "mnist_course.companion.hint", "give_hint", "stopped."),
    (["compare", "02"], "mnist_course.companion.compare", "compare", "nothing was changed."),
])  # fmt: skip
def test_ctrl_c_in_doctor_hint_or_compare_is_one_line(argv, module, name, outcome):
    """They ended with exit code 130 and said nothing (doctor), or click's 'Aborted!'."""
    import subprocess
    import sys

    script = CTRL_C_IN_A_COMMAND.format(module=module, name=name, argv=argv)
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (run.returncode, run.stderr) == (130, f"mnist-course: interrupted: {outcome}\n")
