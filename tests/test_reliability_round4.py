"""Reliability, round 4 (an outside probe of 2026-12-04): a lesson function that returns the
wrong kind of value is said as that lesson's mistake, not as a course bug or another lesson's.

Before, `train` with a `normalize` that returned a list ended in "unexpected error ... please
report it" (from the course's augmentation), a `predict_digit` that returned one array in
"not enough values to unpack", a `Dense(9)` output was blamed on lesson 05's `train`, and a
model with a Lambda layer trained, was saved as the latest, and could then never be loaded.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from companion_course import ROOT, copy_course, mnist_course, solve
from mnist_course.course import returns
from mnist_course.course.contract import TOOLS_CALL
from mnist_course.training.pipeline import Implementation, LearnerCodeError


def lessons_with(tmp_path: Path, filename: str, old: str, new: str) -> Implementation:
    """The reference lessons, with `old` replaced by `new` in `filename`."""
    folder = tmp_path / "lessons"
    shutil.copytree(ROOT / "solutions", folder)
    path = folder / filename
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is no longer in solutions/{filename}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return Implementation(folder, reference=ROOT / "solutions")


def refusal(impl: Implementation, number: str, name: str, *args, **kwargs) -> str:
    with pytest.raises(LearnerCodeError) as caught:
        impl.function(number, name)(*args, **kwargs)
    return str(caught.value)


def test_normalize_that_returns_a_list_is_lesson_02s_mistake(tmp_path):
    impl = lessons_with(tmp_path, "lesson_02_prepare.py",
                        "return np.asarray(images, dtype=np.float32) / np.float32(255.0)",
                        "return (np.asarray(images, dtype=np.float32) / np.float32(255.0)).tolist()")
    said = refusal(impl, "02", "normalize", np.zeros((3, 28, 28), np.uint8))
    assert said.startswith("Lesson 02 · Prepare the data: normalize() returned a list of 3, not a NumPy array")
    assert "pytest checks/lesson_02" in said


def test_predict_digit_that_returns_one_array_is_lesson_07s_mistake(tmp_path):
    impl = lessons_with(tmp_path, "lesson_07_predict.py", "return digits.astype(int), probabilities",
                        "return probabilities")
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    said = refusal(impl, "07", "predict_digit", model, np.zeros((2, 28, 28), np.float32))
    assert "predict_digit() returned a float64 array of shape (2, 10), not the pair" in said


@pytest.mark.parametrize("old, new, words", [
    ('layers.append(keras.layers.Dense(10, activation="softmax"))',
     'layers.append(keras.layers.Dense(9, activation="softmax"))', "output has 9 values per image, not 10"),
    ("layers.append(keras.layers.Flatten())",
     "layers.append(keras.layers.Lambda(lambda x: x * 1.0))\n    layers.append(keras.layers.Flatten())",
     "a model with a Lambda layer"),
])
def test_a_model_the_course_cannot_use_is_lesson_04s_mistake_before_training(tmp_path, old, new, words):
    impl = lessons_with(tmp_path, "lesson_04_model.py", old, new)
    said = refusal(impl, "04", "build_model")
    assert said.startswith("Lesson 04 · Build the model: build_model() returned ") and words in said


def test_the_reference_returns_what_the_tools_need(tmp_path):
    """Every checked result of the reference passes (the checks above fail only on a slip)."""
    keras = pytest.importorskip("keras")
    impl = Implementation(ROOT / "solutions", reference=ROOT / "solutions")
    images = np.random.default_rng(0).integers(0, 256, (40, 28, 28), dtype=np.uint8)
    labels = np.arange(40) % 10
    x = impl.function("02", "normalize")(images)
    impl.function("02", "split_validation")(x, labels, val_fraction=0.25, seed=0)
    model = impl.function("04", "compile_model")(impl.function("04", "build_model")(
        augmentation=impl.function("04", "augment")()))
    history = impl.function("05", "train")(model, x, labels, x, labels, epochs=1, verbose=0)
    impl.function("05", "plot_history")(history)
    assert impl.function("06", "accuracy")(labels, labels) == 1.0
    impl.function("07", "predict_digit")(model, x[:2])
    cnn = impl.function("08", "compile_cnn")(impl.function("08", "build_cnn")(), total_steps=10)
    assert isinstance(cnn, keras.Model)
    assert set(returns.RETURNS) <= {(number, name) for number, names in TOOLS_CALL.items() for name in names}


@pytest.mark.slow
def test_train_says_it_in_one_line_and_exits_2(tmp_path):
    course = copy_course(tmp_path / "course")
    for number in ["01", "02", "04", "05", "06"]:
        solve(course, number)
    path = course / "lessons" / "lesson_02_prepare.py"
    path.write_text(path.read_text().replace(
        "return np.asarray(images, dtype=np.float32) / np.float32(255.0)",
        "return (np.asarray(images, dtype=np.float32) / np.float32(255.0)).tolist()"))
    run = mnist_course(course, "train", "--limit", "500", "--epochs", "1", timeout=300)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr and "please report" not in run.stderr
    assert run.stderr.strip().splitlines()[-1].startswith(
        "mnist-course: Lesson 02 · Prepare the data: normalize() returned a list of 500")
    assert not list((course / ".course" / "models").glob("*.keras"))  # refused before training


def test_an_empty_mnist_path_is_said_alike_by_lesson_01_and_doctor(monkeypatch, tmp_path):
    """`export MNIST_PATH=` used to read this folder as MNIST ("MNIST file . is a folder") in
    train, while doctor passed it by and said all was set."""
    from mnist_course.companion.doctor import FAIL, check_mnist
    from mnist_course.course.workspace import Workspace
    from mnist_course.training.data import MnistFileError, read_mnist_file

    monkeypatch.setenv("MNIST_PATH", "")
    impl = Implementation(ROOT / "solutions", reference=ROOT / "solutions")
    with pytest.raises(Exception) as caught:
        impl.function("01", "load_mnist")()
    assert "the path to MNIST is empty (is MNIST_PATH set to nothing" in str(caught.value)
    assert "unset MNIST_PATH" in str(caught.value)
    with pytest.raises(MnistFileError):
        read_mnist_file("  ")
    finding = check_mnist(Workspace(tmp_path))
    assert finding.state == FAIL and "MNIST_PATH is set but empty" in finding.detail


def test_evaluate_reads_a_model_of_flat_rows_as_predict_does(tmp_path):
    """A model whose input is (784,) was read by `predict` but failed `evaluate` with Keras'
    message, its bold-text escape codes included, blamed on the reference's data."""
    keras = pytest.importorskip("keras")
    from mnist_course.training.pipeline import describe_error, evaluate

    path = tmp_path / "flat.keras"
    keras.Sequential([keras.Input((784,)), keras.layers.Dense(10, activation="softmax")]).save(path)
    impl = Implementation(ROOT / "solutions", reference=ROOT / "solutions")
    result = evaluate(tmp_path, impl, path, figure=False)
    assert 0.0 <= result.accuracy <= 1.0 and len(result.confusion) == 10
    assert describe_error(ValueError("\x1b[1mCannot take the length\x1b[0m of it")) == (
        "ValueError: Cannot take the length of it")


def test_a_stray_byte_in_a_comment_is_let_by_as_python_does_and_named_where_it_is_refused(tmp_path):
    """`# café` saved as Latin-1: the checks (Python's import) passed, `train` refused the file
    ("UnicodeDecodeError ... pytest shows where", but pytest showed nothing), and `compare` said
    "is not UTF-8 text." with nothing to try."""
    from mnist_course.course import CourseError, lesson
    from mnist_course.course.workspace import Workspace
    from mnist_course.training.pipeline import preflight

    folder = tmp_path / "lessons"
    folder.mkdir()
    source = (ROOT / "solutions" / "lesson_02_prepare.py").read_bytes()
    (folder / "lesson_02_prepare.py").write_bytes(source + b"# caf\xe9\n")
    preflight(folder, {"02": ("normalize",)})  # no error: the function is there
    with pytest.raises(CourseError) as caught:
        Workspace(tmp_path).learner_source(lesson("02"))
    line = source.count(b"\n") + 1
    assert str(caught.value) == (
        f"lessons/lesson_02_prepare.py: line {line} is not UTF-8 text (byte 0xe9, an accented letter "
        "saved in another encoding?): save the file as UTF-8 in your editor.")


def test_without_latest_the_newest_model_is_used_and_said(tmp_path, capsys):
    """LATEST deleted (or damaged) beside eight trained models used to say "no trained model yet"."""
    import os

    from mnist_course.course.workspace import Workspace
    from mnist_course.training.pipeline import LATEST, latest_model

    models = Workspace(tmp_path).models
    models.mkdir(parents=True)
    for age, name in enumerate(["mlp-new.keras", "mlp-old.keras"]):
        (models / name).write_bytes(b"x")
        os.utime(models / name, (1_000_000 - age * 1000, 1_000_000 - age * 1000))
    assert latest_model(tmp_path) == models / "mlp-new.keras"
    assert "LATEST is missing; using the newest model there, mlp-new.keras" in capsys.readouterr().err
    (models / LATEST).write_bytes(b"\xff broken")
    assert latest_model(tmp_path) == models / "mlp-new.keras"
    assert "LATEST is damaged" in capsys.readouterr().err


def test_without_latest_a_killed_saves_temporary_is_never_chosen(tmp_path, capsys):
    """A save killed outright leaves `.saving-<pid>@<host>-x.keras`, newer than every model:
    without LATEST it was chosen as the newest, and predict failed on it run after run."""
    import os

    from mnist_course.course.workspace import Workspace
    from mnist_course.training.pipeline import latest_model

    models = Workspace(tmp_path).models
    models.mkdir(parents=True)
    (models / "mlp-sound.keras").write_bytes(b"x")
    os.utime(models / "mlp-sound.keras", (1_000_000, 1_000_000))
    (models / ".saving-999999@host-x.keras").write_bytes(b"PK half a model")
    (models / "mlp-gone.keras").symlink_to(tmp_path / "nowhere.keras")
    assert latest_model(tmp_path) == models / "mlp-sound.keras"
    assert "using the newest model there, mlp-sound.keras" in capsys.readouterr().err


def test_a_hint_record_that_cannot_be_read_is_not_called_damaged(tmp_path, monkeypatch):
    """An unreadable .course/hints.json was "damaged: delete it", which loses every hint level."""
    from mnist_course.companion.hint import HintState
    from mnist_course.course import CourseError
    from mnist_course.course.workspace import Workspace

    path = Workspace(tmp_path).hint_levels
    path.parent.mkdir(parents=True)
    path.write_text("{}")
    real = Path.read_text

    def read_text(self, *args, **kwargs):  # as for a file of another user's, chmod 600 (root reads anything)
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    with pytest.raises(CourseError, match="permission denied") as caught:
        HintState(Workspace(tmp_path))
    assert "damaged" not in str(caught.value) and "delete" not in str(caught.value)


def test_a_path_that_loops_or_is_too_long_is_said_in_words(tmp_path):
    """Before: "unexpected error (RuntimeError: Symlink loop ...) please report it", and
    "OSError: [Errno 36] File name too long"."""
    import errno

    from mnist_course.training.model_files import ModelFileError, check_destination, describe_os_error

    loop = tmp_path / "loop.keras"
    loop.symlink_to(loop)
    with pytest.raises(ModelFileError, match="is a link that leads back to itself"):
        check_destination(loop, [])
    long_name = str(tmp_path / ("a" * 300 + ".png"))
    words = describe_os_error(OSError(errno.ENAMETOOLONG, "File name too long", long_name))
    assert words.startswith("the file name is too long for this system (") and len(words) < 200


@pytest.mark.slow
def test_predict_with_its_output_closed_reads_and_exits_0(tmp_path):
    import os
    import subprocess

    from companion_course import cli_command, cli_env
    from test_reliability_models import EXAMPLE, tiny_model

    model = tmp_path / "tiny.keras"
    tiny_model().save(model)
    run = subprocess.run(cli_command("predict", "--solutions", "--model", str(model), str(EXAMPLE)),
                         cwd=ROOT, env=cli_env(), stderr=subprocess.PIPE, text=True, timeout=300,
                         preexec_fn=lambda: os.close(1))  # as `mnist-course predict ... >&-`
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr and "unexpected error" not in run.stderr


def test_a_picture_with_too_many_pixels_says_what_to_do(tmp_path, monkeypatch):
    from PIL import Image

    from mnist_course.pictures.image_files import open_picture

    path = tmp_path / "huge.png"
    Image.new("L", (300, 300), 255).save(path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 20_000)  # 90,000 pixels: over twice the limit
    with pytest.raises(ValueError) as caught:
        open_picture(path)
    assert "has more pixels than a picture is read with" in str(caught.value)
    assert "shrink it first" in str(caught.value) and "DOS attack" not in str(caught.value)


def test_no_digit_found_says_what_to_try(tmp_path):
    from mnist_course.training.predict import predict_picture

    impl = Implementation(ROOT / "solutions", reference=ROOT / "solutions")
    result = predict_picture(impl, None, np.full((200, 200), 255, np.uint8), "white.png")
    assert result.error.startswith("no digit found in the image (to the course, the picture is one flat white")
    assert result.error.endswith("try again with one digit, written in a dark pen on light paper, filling "
                                 "a good part of the picture, in even light")


def test_a_failed_write_names_the_file_not_its_temporary_copy(tmp_path, monkeypatch):
    """A full disk or a refused write said `.hints.json.ho7beu82.tmp` or `/proc/tmpu4c1ohh8`."""
    import errno
    import os

    from mnist_course.course.workspace import write_atomically

    target = tmp_path / "hints.json"
    real_fsync = os.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError) as caught:
        write_atomically(target, "{}")
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(target)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert not list(tmp_path.iterdir())  # no temporary file left
    with pytest.raises(OSError) as caught:
        write_atomically(Path("/proc/cannot-write-here"), "{}")
    assert caught.value.filename == "/proc/cannot-write-here"


def test_train_says_which_lesson_line_runs_on(tmp_path, monkeypatch, capsys):
    """A `while True` in normalize left `mnist-course train` silent until Ctrl-C; the checks had
    said "still running after 60 s" for the same file."""
    monkeypatch.setenv("MNIST_COURSE_PATIENCE", "0.3")
    impl = lessons_with(tmp_path, "lesson_02_prepare.py",
                        "    return np.asarray(images, dtype=np.float32) / np.float32(255.0)",
                        "    import time\n    time.sleep(1.0)  # slow on purpose\n"
                        "    return np.asarray(images, dtype=np.float32) / np.float32(255.0)")
    impl.function("02", "normalize")(np.zeros((2, 28, 28), np.uint8))
    said = capsys.readouterr().err
    assert said.startswith("Lesson 02 · Prepare the data: normalize() is still running after 0.3 s, "
                           "at lessons/lesson_02_prepare.py line ")
    assert "Ctrl-C stops it" in said
    impl.function("02", "split_validation")(np.zeros((200, 28, 28), np.float32), np.arange(200) % 10)
    assert capsys.readouterr().err == ""  # a quick function: nothing said


def test_a_lesson_file_that_links_to_itself_is_said_so_by_compare_and_the_checks(tmp_path):
    """Before, `compare` said "is missing: reset writes a fresh stub", which then failed, and
    the checks said "RuntimeError: Symlink loop"."""
    import subprocess
    import sys

    from mnist_course.course import CourseError, lesson
    from mnist_course.course.workspace import Workspace

    course = copy_course(tmp_path / "course")
    path = course / "lessons" / "lesson_03_explore.py"
    path.unlink()
    path.symlink_to(path.name)
    with pytest.raises(CourseError, match=r"is a link that leads to no file \(or back to itself\): remove"):
        Workspace(course).learner_source(lesson("03"))
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "checks/lesson_03", "-p", "no:cacheprovider"],
                         cwd=course, capture_output=True, text=True, timeout=300)
    assert "is a link that leads to no file" in run.stdout and "Symlink loop" not in run.stdout


@pytest.mark.slow
def test_a_home_that_cannot_be_written_brings_no_matplotlib_noise(tmp_path):
    """As a shared lab account (HOME not writable), predict printed matplotlib's two-line
    complaint about its cache folder before the answer."""
    import subprocess

    from companion_course import cli_command, cli_env
    from test_reliability_models import EXAMPLE, tiny_model

    model = tmp_path / "tiny.keras"
    tiny_model().save(model)
    home = tmp_path / "home-is-a-file"
    home.write_text("")  # no folder can be made in it, even by root
    env = cli_env(HOME=str(home), MPLCONFIGDIR=None, XDG_CONFIG_HOME=None, XDG_CACHE_HOME=None)
    run = subprocess.run(cli_command("predict", "--solutions", "--model", str(model), "--explain",
                                     str(tmp_path / "explained"), str(EXAMPLE)),
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "matplotlib" not in run.stderr.lower() and "mkdir" not in run.stderr
    assert list((tmp_path / "explained").glob("*.png"))  # the figure was still drawn


@pytest.mark.slow
def test_a_keyboard_interrupt_raised_by_the_lesson_is_its_mistake_but_ctrl_c_still_stops(tmp_path):
    """`raise KeyboardInterrupt` in normalize stopped the whole run with pytest's banner; a real
    Ctrl-C must go on stopping it."""
    import signal
    import subprocess
    import sys
    import time

    course = copy_course(tmp_path / "course")
    path = course / "lessons" / "lesson_02_prepare.py"
    reference = (ROOT / "solutions" / "lesson_02_prepare.py").read_text()
    ending = "    return np.asarray(images, dtype=np.float32) / np.float32(255.0)"
    command = [sys.executable, "-m", "pytest", "checks/lesson_02", "-p", "no:cacheprovider"]
    path.write_text(reference.replace(ending, "    raise KeyboardInterrupt"))
    run = subprocess.run(command, cwd=course, capture_output=True, text=True, timeout=300)
    assert "normalize()\n  your code raised KeyboardInterrupt, which is what pressing Ctrl-C raises" in run.stdout
    assert run.returncode == 1 and "!!! KeyboardInterrupt !!!" not in run.stdout  # the other checks ran
    path.write_text(reference.replace(ending, "    while True:\n        pass"))
    process = subprocess.Popen(command, cwd=course, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(6)  # the checks are running normalize by now
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=60)
    assert "KeyboardInterrupt" in out and "your code raised KeyboardInterrupt" not in out
    assert process.returncode == 2


def test_a_graded_lessons_keyboard_interrupt_or_own_base_exception_is_rebuilt_for_its_message():
    """Graded, a KeyboardInterrupt (or a learner's own BaseException subclass) came back as
    "Cannot create a consistent method resolution order (MRO) for bases Exception, RemoteError"."""
    from mnist_course.check_support.outcome import LearnerInterrupt
    from mnist_course.grading.remote import RemoteError, rebuilt_error

    frame = {"file": "lesson_02_prepare.py", "line": 36, "function": "normalize", "text": "raise KeyboardInterrupt"}
    interrupt = rebuilt_error({"type": "KeyboardInterrupt", "module": "builtins", "bases": ["BaseException"],
                               "message": "", "frames": [frame]}, "lessons")
    assert isinstance(interrupt, LearnerInterrupt) and interrupt.learner_frames[0].function == "normalize"
    own = rebuilt_error({"type": "Oops", "module": "lesson_02_prepare", "bases": ["BaseException"],
                         "message": "no", "frames": [frame]}, "lessons")
    assert isinstance(own, RemoteError) and type(own).__name__ == "Oops" and str(own) == "no"
