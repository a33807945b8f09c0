"""Model files (issue 12, cases 1, 2 and 7): hostile files are refused before or by Keras'
safe mode, trained models are never lost, and a NaN model is refused.

Small models are built here in a moment; the few tests that run a real `train` use 100
images and one epoch.
"""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, copy_course, run_cli
from faults import one_line_error, popen_cli_with, read_only, run_cli_with
from mnist_course.training import model_files
from mnist_course.training.model_files import ModelFileError, check_archive, save_model
from mnist_course.training.pipeline import LATEST, latest_model
from mnist_course.course.workspace import Workspace

EXAMPLE = sorted((ROOT / "examples").glob("*.png"))[0]
QUICK_TRAIN = ("train", "--solutions", "--limit", "100", "--epochs", "1", "--no-augment")


def tiny_model(layers=None):
    import keras

    return keras.Sequential(
        [keras.Input((28, 28)), *(layers or []), keras.layers.Flatten(),
         keras.layers.Dense(10, activation="softmax")]
    )


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tiny") / "tiny.keras"
    tiny_model().save(path)
    return path


# --- Case 1: hostile model files ----------------------------------------------------------------


def test_the_keras_floor_is_past_every_model_loading_advisory():
    text = (ROOT / "pyproject.toml").read_text()
    assert '"keras>=3.14"' in text and 'requires-python = ">=3.11"' in text
    import keras

    assert tuple(int(p) for p in keras.__version__.split(".")[:2]) >= (3, 14)


def test_a_lambda_model_is_refused_by_safe_mode_and_its_code_never_runs(tmp_path, monkeypatch):
    import keras

    marker = tmp_path / "code-ran"
    monkeypatch.setenv("LAMBDA_MARKER", str(marker))
    touch = lambda x: (__import__("pathlib").Path(__import__("os").environ["LAMBDA_MARKER"]).touch(), x)[1]  # noqa: E731
    path = tmp_path / "lambda.keras"
    tiny_model([keras.layers.Lambda(touch)]).save(path)
    marker.unlink(missing_ok=True)  # building the model ran it once; loading must not

    with pytest.raises(ModelFileError, match="safe mode"):
        model_files.load_model(path)
    assert not marker.exists()
    keras.saving.load_model(path, safe_mode=False)  # the file really is a code-carrying model
    assert marker.exists()
    marker.unlink()

    run = run_cli("predict", "--solutions", "--model", str(path), str(EXAMPLE), cwd=ROOT)
    assert "safe mode" in one_line_error(run)
    assert not marker.exists()


def test_a_legacy_h5_model_is_refused_without_opening_it(tmp_path):
    h5 = tmp_path / "model.h5"
    tiny_model().save(h5)
    with pytest.raises(ModelFileError, match="legacy HDF5"):
        check_archive(h5)
    renamed = tmp_path / "renamed.keras"  # the header tells, whatever the name says
    renamed.write_bytes(h5.read_bytes())
    with pytest.raises(ModelFileError, match="legacy HDF5"):
        check_archive(renamed)
    line = one_line_error(run_cli("evaluate", "--solutions", "--model", str(h5), cwd=ROOT))
    assert "legacy HDF5" in line and "model.h5" in line


def zip_with(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    "case, says",
    [
        ("random bytes", "not a .keras zip archive"),
        ("folder", "is a folder"),
        ("missing", "not found"),
        ("other suffix", "not a .keras model file"),
        ("truncated zip", "damaged"),
        ("zip without config", "no config.json"),
        ("zip bomb", "zip bomb"),
        ("path traversal", "outside the archive"),
        ("upper-case suffix", "ends in .KERAS: Keras reads a model only from a name ending in .keras"),
        ("link loop", "a link that leads to no file"),
    ],
)
def test_anything_but_a_sound_keras_archive_is_refused_from_its_headers(tmp_path, tiny, case, says):
    path = tmp_path / "model.keras"
    keras_files = {"config.json": b"{}", "metadata.json": b"{}"}
    if case == "random bytes":
        path.write_bytes(np.random.default_rng(0).bytes(4096))
    elif case == "folder":
        path.mkdir()
    elif case == "other suffix":
        path = tmp_path / "model.pkl"
        path.write_bytes(tiny.read_bytes())
    elif case == "truncated zip":
        path.write_bytes(tiny.read_bytes()[:3000])
    elif case == "zip without config":
        zip_with(path, {"metadata.json": b"{}", "model.weights.h5": b"x"})
    elif case == "zip bomb":  # 64 MB of zeros packed into ~64 KB
        zip_with(path, {**keras_files, "model.weights.h5": bytes(64 * 2**20)})
    elif case == "path traversal":
        zip_with(path, {**keras_files, "../../escaped.txt": b"x"})
    elif case == "upper-case suffix":
        path = tmp_path / "model.KERAS"
        path.write_bytes(tiny.read_bytes())
    elif case == "link loop":
        path.symlink_to(tmp_path / "other.keras")
        (tmp_path / "other.keras").symlink_to(path)
    with pytest.raises(ModelFileError, match=says):
        check_archive(path)


def test_a_sound_archive_passes_the_header_check(tiny):
    check_archive(tiny)
    assert model_files.load_model(tiny).output_shape == (None, 10)


def test_bad_model_files_are_one_line_in_predict_without_loading_tensorflow(tmp_path):
    bomb = zip_with(tmp_path / "bomb.keras", {"config.json": b"{}", "metadata.json": b"{}",
                                                "model.weights.h5": bytes(64 * 2**20)})
    run = run_cli("predict", "--solutions", "--model", str(bomb), str(EXAMPLE), cwd=ROOT)
    assert "zip bomb" in one_line_error(run) and run.stdout == ""


# --- Case 7: a NaN model; equal scores ------------------------------------------------------------


@pytest.fixture(scope="module")
def nan_model(tmp_path_factory) -> Path:
    model = tiny_model()
    model.set_weights([np.full_like(w, np.nan) for w in model.get_weights()])
    path = tmp_path_factory.mktemp("nan") / "diverged.keras"
    model.save(path)
    return path


def test_a_nan_model_is_refused_by_evaluate(nan_model):
    # Fresh: the one line is after TensorFlow's start-up messages, which stderr must not show.
    line = one_line_error(run_cli("evaluate", "--solutions", "--model", str(nan_model), cwd=ROOT, fresh=True))
    assert "NaN" in line and "train it again" in line


def test_a_nan_model_is_refused_by_predict(nan_model):
    from mnist_course.training.pipeline import Implementation
    from mnist_course.training.predict import predict_images

    impl = Implementation(ROOT / "solutions", reference=ROOT / "solutions")
    with pytest.raises(ModelFileError, match="NaN"):
        list(predict_images(ROOT, impl, [EXAMPLE], nan_model))


def test_nan_scores_are_refused_even_from_finite_weights():
    with pytest.raises(ModelFileError, match="NaN or infinite scores"):
        model_files.check_scores([[0.1] * 9 + [np.nan]], Path("m.keras"))


def test_equal_scores_are_no_answer_not_digit_zero():
    from mnist_course.training.pipeline import Implementation
    from mnist_course.training.predict import predict_picture, result_lines

    model = tiny_model()
    model.set_weights([np.zeros_like(w) for w in model.get_weights()])  # every digit 10%
    impl = Implementation(ROOT / "solutions")
    grey = np.asarray(impl.function("07", "read_image")(EXAMPLE))
    result = predict_picture(impl, model, grey, "flat.png")
    assert result.digit is None and len(result.tied) == 10
    first = result_lines(result, 3)[0]
    assert first == "flat.png: no answer: all digits equally likely (10.0% each)"
    assert json.loads(json.dumps(result.as_json()))["digit"] is None


def test_two_digits_sharing_the_top_score_are_no_answer_either():
    from mnist_course.training.predict import Prediction, result_lines

    split = Prediction("split.png", digit=None, probabilities=[0.4, 0.0, 0.0, 0.4] + [0.2 / 6] * 6)
    assert split.tied == [0, 3]
    assert result_lines(split, 2)[0].startswith("split.png: no answer: 0, 3 equally likely (40.0% each)")
    assert Prediction("sure.png", digit=7, probabilities=[0.0] * 7 + [1.0, 0.0, 0.0]).tied == []


# --- Case 2: trained models are never lost ----------------------------------------------------


class FakeModel:
    """Stands in for a Keras model: `save` writes `data`, or fails half-way like a full disk."""

    def __init__(self, data: bytes, fail: int | None = None, wait: threading.Barrier | None = None):
        self.data, self.fail, self.wait = data, fail, wait

    def save(self, path):
        if self.wait:
            self.wait.wait()
        with open(path, "wb") as out:
            out.write(self.data[: len(self.data) // 2])
            if self.fail is not None:
                raise OSError(self.fail, os.strerror(self.fail), str(path))
            out.write(self.data[len(self.data) // 2:])


def test_two_saves_in_the_same_second_keep_both_models(tmp_path):
    wanted = tmp_path / "mlp-20261125-172407.keras"  # the same stamp for both runs
    barrier = threading.Barrier(2)
    saved = {}

    def save(tag):
        saved[tag] = save_model(FakeModel(tag.encode() * 1000, wait=barrier), wanted).path

    threads = [threading.Thread(target=save, args=(tag,)) for tag in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert saved["first"] != saved["second"]
    assert {path.name for path in saved.values()} == {wanted.name, "mlp-20261125-172407-2.keras"}
    for tag, path in saved.items():
        assert path.read_bytes() == tag.encode() * 1000
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in saved.values())


def test_out_keeps_the_file_it_replaces(tmp_path):
    out = tmp_path / "mine.keras"
    out.write_bytes(b"the earlier model")
    result = save_model(tiny_model(), out, replace=True)
    assert result.path == out and result.kept is not None and result.kept.parent == tmp_path
    assert result.kept.read_bytes() == b"the earlier model"
    assert result.kept.name.startswith("mine-") and result.kept.suffix == ".keras"
    check_archive(out)


def test_without_hard_links_names_stay_exclusive_and_the_old_model_is_kept(tmp_path, monkeypatch):
    """File systems without hard links (some network and FAT drives) take the fallback path."""
    def no_links(source, name):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    wanted = tmp_path / "mlp-20261125-172407.keras"
    first = save_model(FakeModel(b"first" * 100), wanted).path
    second = save_model(FakeModel(b"second" * 100), wanted).path
    assert (first.name, second.name) == (wanted.name, "mlp-20261125-172407-2.keras")
    assert first.read_bytes() == b"first" * 100 and second.read_bytes() == b"second" * 100
    kept = save_model(FakeModel(b"third" * 100), first, replace=True).kept
    assert kept is not None and kept.read_bytes() == b"first" * 100
    assert first.read_bytes() == b"third" * 100


@pytest.mark.parametrize("replace", [False, True])
def test_a_full_disk_leaves_no_partial_file_and_the_old_model_intact(tmp_path, replace):
    out = tmp_path / "mine.keras"
    out.write_bytes(b"the earlier model")
    with pytest.raises(ModelFileError, match="disk is full"):
        save_model(FakeModel(b"x" * 10_000, fail=errno.ENOSPC), out, replace=replace)
    assert [p.name for p in tmp_path.iterdir()] == ["mine.keras"]
    assert out.read_bytes() == b"the earlier model"


@pytest.mark.parametrize(
    "out, says",
    [
        ("lessons/lesson_02_prepare.py", "must end in .keras"),
        ("lessons/mine.keras", "inside lessons/"),
        ("solutions/mine.keras", "inside solutions/"),
        ("notes.txt", "must end in .keras"),
        ("a-folder.keras", "is a folder"),
        ("a-file/mine.keras", "is a file, not a folder"),
    ],
)
def test_a_bad_out_is_refused_before_training(tmp_path, out, says):
    course = copy_course(tmp_path / "course")
    (course / "a-folder.keras").mkdir()
    (course / "a-file").write_text("not a folder")
    before = (course / "lessons" / "lesson_02_prepare.py").read_bytes()
    started = time.monotonic()
    run = run_cli(*QUICK_TRAIN, "--out", out, cwd=course)
    assert says in one_line_error(run)
    assert "Epoch" not in run.stdout and time.monotonic() - started < 60
    assert (course / "lessons" / "lesson_02_prepare.py").read_bytes() == before


def test_a_model_is_saved_with_warnings_made_errors(tmp_path):
    """PYTHONWARNINGS=error: numpy's DeprecationWarning inside model.save was raised, so a
    trained model was not written and the learner read "unexpected error"."""
    import warnings

    from mnist_course.training import model_files

    model = tiny_model()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        saved = model_files.save_model(model, tmp_path / "mine.keras")
    assert saved.path == tmp_path / "mine.keras"
    model_files.check_archive(saved.path)


def test_latest_is_written_atomically_and_a_broken_one_is_one_line(tmp_path):
    from mnist_course.training.pipeline import write_latest

    model = tmp_path / "m.keras"
    model.write_bytes(b"x")
    write_latest(tmp_path, model)
    assert latest_model(tmp_path) == model.resolve()
    assert [p.name for p in Workspace(tmp_path).models.iterdir()] == [LATEST]  # no temporary left
    (Workspace(tmp_path).models / LATEST).write_bytes(b"\xff\xfe\x00broken")
    from mnist_course.course import CourseError

    with pytest.raises(CourseError, match="LATEST is damaged"):
        latest_model(tmp_path)


def test_a_latest_naming_a_folder_or_unreadable_says_so(tmp_path, monkeypatch):
    """LATEST naming a folder said the model "is gone"; one unreadable for its permissions was
    called "damaged"."""
    from mnist_course.course import CourseError
    from mnist_course.training.pipeline import write_latest

    folder = tmp_path / "a-folder.keras"
    folder.mkdir()
    write_latest(tmp_path, folder)
    with pytest.raises(CourseError, match=f"{re.escape(str(folder))} is a folder, not a model"):
        latest_model(tmp_path)

    pointer = Workspace(tmp_path).models / LATEST
    read_bytes = Path.read_bytes

    def refused(path):  # as for a file of another user's, chmod 600 (root reads anything)
        if path == pointer:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refused)
    with pytest.raises(CourseError, match=r"LATEST cannot be read \(permission denied") as refusal:
        latest_model(tmp_path)
    assert "damaged" not in str(refusal.value)


def test_latest_follows_the_course_when_it_is_moved_or_copied(tmp_path):
    """LATEST held a full path: after `mv course "course moved"` the latest model was 'gone'
    though it sat in .course/models/, and a `cp -r` copy silently used the original's model."""
    import shutil

    from mnist_course.training.pipeline import write_latest

    course, outside = tmp_path / "course", tmp_path / "my models" / "mine.keras"
    models = Workspace(course).models
    models.mkdir(parents=True)
    (models / "mlp-1.keras").write_bytes(b"x")
    write_latest(course, models / "mlp-1.keras")
    copy = Path(shutil.copytree(course, tmp_path / "copy"))
    moved = course.rename(tmp_path / "course moved")
    assert latest_model(moved) == (moved / ".course" / "models" / "mlp-1.keras").resolve()
    assert latest_model(copy) == (copy / ".course" / "models" / "mlp-1.keras").resolve()
    # A model saved outside the course stays put when the course moves: its full path is kept.
    outside.parent.mkdir()
    outside.write_bytes(b"x")
    write_latest(moved, outside)
    assert latest_model(moved.rename(tmp_path / "course")) == outside.resolve()
    # LATEST as courses wrote it before, a full path, is still read.
    (Workspace(copy).models / LATEST).write_text(f"{outside.resolve()}\n")
    assert latest_model(copy) == outside.resolve()


def test_a_non_utf8_latest_is_one_line_in_the_cli(tmp_path):
    course = copy_course(tmp_path / "course")
    Workspace(course).models.mkdir(parents=True)
    (Workspace(course).models / LATEST).write_bytes(b"\xff\xfe not utf-8")
    line = one_line_error(run_cli("predict", "--solutions", str(EXAMPLE), cwd=course))
    assert "LATEST is damaged" in line


@pytest.fixture
def course_with_a_model(tmp_path, tiny):
    """A scratch course whose latest model is `tiny`: the previous state a failed save must keep."""
    course = copy_course(tmp_path / "course")
    models = Workspace(course).models
    models.mkdir(parents=True)
    previous = models / "mlp-20260101-000000.keras"
    previous.write_bytes(tiny.read_bytes())
    (models / LATEST).write_text(str(previous.resolve()) + "\n")
    return course, previous


def state(course: Path) -> dict[str, bytes]:
    models = Workspace(course).models
    return {path.name: path.read_bytes() for path in sorted(models.iterdir())}


SAVE_THEN = """
import os, time, errno, keras
from pathlib import Path
def save(self, path, *args, **kwargs):
    Path(path).write_bytes(b"PK half a model")
    {then}
keras.Model.save = save
"""


@pytest.mark.slow
def test_sigterm_during_the_save_leaves_the_previous_state_intact(course_with_a_model, tmp_path):
    course, previous = course_with_a_model
    before = state(course)
    flag = tmp_path / "saving"
    then = f"Path({str(flag)!r}).touch(); time.sleep(120)"
    child = popen_cli_with(SAVE_THEN.format(then=then), *QUICK_TRAIN, cwd=course)
    deadline = time.monotonic() + 300
    while not flag.exists():
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.2)
    child.send_signal(signal.SIGTERM)
    stdout, stderr = child.communicate(timeout=60)
    run = type("Run", (), {"returncode": child.returncode, "stdout": stdout, "stderr": stderr})
    assert "terminated" in one_line_error(run, code=143)
    assert state(course) == before  # no 0-byte or half model, no temporary, LATEST unchanged


@pytest.mark.slow
def test_a_full_disk_during_the_save_is_one_line_and_no_partial_file(course_with_a_model):
    course, previous = course_with_a_model
    before = state(course)
    then = "raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))"
    run = run_cli_with(SAVE_THEN.format(then=then), *QUICK_TRAIN, cwd=course, fresh=True)  # start-up and all
    line = one_line_error(run)
    assert "disk is full" in line and "nothing was written" in line
    assert state(course) == before


@pytest.mark.slow
def test_two_trainings_finishing_in_the_same_second_keep_both_models(course_with_a_model):
    course, previous = course_with_a_model
    same_second = "import mnist_course.training.pipeline as p; p.model_stamp = lambda: '20261125-172407'"
    runs = [popen_cli_with(same_second, *QUICK_TRAIN, cwd=course) for _ in range(2)]
    outputs = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    saved = sorted(line.split("Model saved to ")[1] for out, _ in outputs
                   for line in out.splitlines() if line.startswith("Model saved to "))
    assert [Path(p).name for p in saved] == ["mlp-20261125-172407-2.keras", "mlp-20261125-172407.keras"]
    for path in saved:
        check_archive(Path(path))
    assert previous.read_bytes() == state(course)[previous.name]


def test_a_model_of_two_inputs_or_two_outputs_is_told_as_such(tmp_path):
    import keras

    from mnist_course.training.pipeline import load_model

    image, extra = keras.Input((28, 28)), keras.Input((3,))
    joined = keras.layers.Concatenate()([keras.layers.Flatten()(image), extra])
    keras.Model([image, extra], keras.layers.Dense(10, activation="softmax")(joined)).save(tmp_path / "in.keras")
    flat = keras.layers.Flatten()(image)
    keras.Model(image, [keras.layers.Dense(10)(flat), keras.layers.Dense(10)(flat)]).save(tmp_path / "out.keras")
    # Read as one input and one output, they were "expects input ((None, 3),)" and "has output
    # [(None, 10)], not 10 digit scores": wrong, and the second looks like a right answer.
    for name, says in (("in", "has 2 input(s) and 1 output(s)"), ("out", "has 1 input(s) and 2 output(s)")):
        with pytest.raises(ModelFileError, match=re.escape(says)):
            load_model(tmp_path / f"{name}.keras")


def test_a_folder_given_as_the_model_says_which_file_to_name(tmp_path):
    """`--model models/` named a folder: the line says to name the file, with one from the
    folder (the newest) when it holds any, and how to make one when it holds none."""
    folder = tmp_path / "models"
    folder.mkdir()
    with pytest.raises(ModelFileError, match=r"holds none; `mnist-course train` makes one"):
        check_archive(folder)
    (folder / "old.keras").write_bytes(b"x")
    os.utime(folder / "old.keras", (1, 1))
    (folder / "new.keras").write_bytes(b"x")
    with pytest.raises(ModelFileError, match=re.escape(f"e.g. --model {folder / 'new.keras'}")):
        check_archive(folder)


def test_a_course_folder_that_cannot_be_written_says_where_to_save_instead(tmp_path, monkeypatch):
    def refused(*args, dir=None, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", f"{dir}/tmpoady7qqh")

    monkeypatch.setattr(model_files.tempfile, "TemporaryFile", refused)
    with pytest.raises(ModelFileError) as refusal:
        model_files.check_writable(tmp_path)
    line = str(refusal.value)
    assert f"cannot save a model in {tmp_path}: permission denied:" in line, line
    assert "--out ~/mnist-models/mine.keras" in line and "tmpoady7qqh" not in line, line


# Ctrl-C pressed as `name` begins: the save is done, and LATEST written (save_figure) or not.
INTERRUPT_AT = """
import os, signal
import mnist_course.training.pipeline as p
signal.signal(signal.SIGINT, signal.default_int_handler)
def {name}(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGINT)
p.{name} = {name}
"""


@pytest.mark.parametrize("name, says", [
    ("save_figure", "and .course/models/LATEST names it"),
    ("write_latest", "but .course/models/LATEST does not name it yet: pass --model"),
])  # fmt: skip
def test_ctrl_c_after_the_save_says_where_the_model_is(course_with_a_model, tmp_path, name, says):
    """It said "no half-written model was left behind, and your earlier models are as they
    were", while the new model was saved and LATEST named it."""
    course, previous = course_with_a_model
    out = tmp_path / "o1.keras"
    fault = INTERRUPT_AT.format(name=name)
    line = one_line_error(run_cli_with(fault, *QUICK_TRAIN, "--out", str(out), cwd=course), 130)
    assert line.startswith(f"mnist-course: interrupted: the new model was saved to {out}"), line
    assert says in line, line
    check_archive(out)
    assert (latest_model(course) == out) == (name == "save_figure")


@pytest.mark.slow
def test_a_read_only_course_trains_to_the_out_it_advises(tmp_path):
    """Following the advice (--out ~/mnist-models/mine.keras) ended in exit 2, "model saved
    ... but .course/models/LATEST could not be updated", and no accuracy."""
    course = copy_course(tmp_path / "course")
    fault = read_only(course)
    line = one_line_error(run_cli_with(fault, *QUICK_TRAIN, cwd=course))
    assert "--out ~/mnist-models/mine.keras" in line, line
    out = tmp_path / "mnist-models" / "mine.keras"
    run = run_cli_with(fault, *QUICK_TRAIN, "--out", str(out), cwd=course)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Test accuracy: " in run.stdout and f"Model saved to {out}" in run.stdout, run.stdout
    notes = [line for line in run.stderr.splitlines() if line.startswith("note: ")]
    assert len(notes) == 2 and "Traceback" not in run.stderr, run.stderr[-2000:]
    assert "LATEST could not be updated (the folder is read-only" in notes[0], notes
    assert f"pass --model {out} to use it" in notes[0], notes
    assert "training curves could not be drawn (the folder is read-only" in notes[1], notes
    check_archive(out)
    assert not (course / ".course").exists()
