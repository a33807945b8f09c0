"""`mnist-course train` says every function it still needs before it trains (issue 23).

A learner who finished lesson 05 and ran `train` used to wait minutes of training for
"lesson 06 · predict_labels() is not written yet", with nothing saved.
"""

from __future__ import annotations

import subprocess
import sys
import time

from mnist_course.course.contract import TRAIN_CALLS
from mnist_course.course import CourseError

from companion_course import copy_course, solve
from conftest import run_cli


def test_train_names_every_missing_function_before_it_starts(tmp_path):
    course = copy_course(tmp_path / "course")
    for number in ("01", "02", "03", "04"):
        solve(course, number)
    solve(course, "05", ["train"])  # plot_history still the stub
    started = time.monotonic()
    run = run_cli("train", "--limit", "300", "--epochs", "1", cwd=course)
    seconds = time.monotonic() - started
    assert run.returncode == 2, run.stdout + run.stderr
    line = run.stderr.strip()
    assert "Traceback" not in run.stderr and len(line.splitlines()) == 1
    assert "lesson 05: plot_history()" in line and "lesson 06: predict_labels(), accuracy()" in line
    assert "train()" not in line  # written: not blamed
    assert "Epoch" not in run.stdout and not (course / ".course" / "models").exists()
    print(f"train refused in {seconds:.2f} s")


def test_the_check_reads_source_and_never_loads_tensorflow(tmp_path, pristine_stubs):
    code = (
        "import sys\n"
        "from mnist_course.training.pipeline import preflight\n"
        "from mnist_course.course.contract import TRAIN_CALLS\n"
        f"try:\n    preflight({str(pristine_stubs)!r}, TRAIN_CALLS['cnn'])\n"
        "except Exception as error:\n    print(type(error).__name__, error)\n"
        "print('tensorflow loaded:', 'tensorflow' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "CourseError" in run.stdout and "lesson 08: build_cnn(), compile_cnn()" in run.stdout
    assert "tensorflow loaded: False" in run.stdout


def test_a_written_course_passes_and_a_syntax_error_is_named(tmp_path):
    from mnist_course.training.pipeline import preflight

    course = copy_course(tmp_path / "course")
    for number in TRAIN_CALLS["cnn"]:
        solve(course, number)
    preflight(course / "lessons", TRAIN_CALLS["cnn"])  # no error
    path = course / "lessons" / "lesson_06_evaluate.py"
    path.write_text(path.read_text() + "\ndef broken(:\n")
    try:
        preflight(course / "lessons", TRAIN_CALLS["mlp"])
    except CourseError as error:
        assert "lesson_06_evaluate.py cannot be imported: SyntaxError at line" in str(error)
    else:
        raise AssertionError("a syntax error went unnoticed")


def test_train_help_gives_the_epochs_the_pipeline_trains():
    """The CLI stays light (no NumPy at start-up), so its help repeats DEFAULT_EPOCHS: kept equal here."""
    from typer.testing import CliRunner

    from mnist_course.cli import app
    from mnist_course.training.pipeline import DEFAULT_EPOCHS

    shown = " ".join(CliRunner().invoke(app, ["train", "--help"], terminal_width=200).output.split())
    assert f"default {DEFAULT_EPOCHS['mlp']} for mlp, {DEFAULT_EPOCHS['cnn']} for cnn" in shown, shown
