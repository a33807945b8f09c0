"""`mnist-course train` and `evaluate`, driven as a learner would, in a scratch course."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mnist_course.check_support.toolkit import random_layer_names
from mnist_course.training.pipeline import latest_model

from conftest import run_cli


def one_line_error(run) -> str:
    """A learner-facing failure: exit code 2 and a single line on stderr, no traceback."""
    assert run.returncode == 2, run.stdout + run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    assert lines[0].startswith("mnist-course: ")
    return lines[0]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One quick reference training run (3,000 images, 1 epoch) in a scratch course."""
    from conftest import copy_course

    course = copy_course(tmp_path_factory.mktemp("trained") / "course")
    run = run_cli("train", "--solutions", "--epochs", "1", "--limit", "3000", cwd=course)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return course, run


def test_train_saves_a_model_and_reports_accuracy(trained):
    course, run = trained
    accuracy = float(run.stdout.split("Test accuracy: ")[1].split()[0])
    # One epoch on 2,700 randomly moved images: far past chance (0.10), short of the full 98.8%.
    assert 0.75 <= accuracy <= 1.0, run.stdout
    models = list((course / ".course" / "models").glob("mlp-*.keras"))
    assert len(models) == 1
    assert (course / ".course" / "models" / "LATEST").read_text().strip() == models[0].name
    assert list((course / ".course" / "figures").glob("mlp-*-history.png"))
    assert "val_accuracy" in run.stdout  # Keras reports each epoch (one line off a TTY)


def test_evaluate_json_gives_accuracy_and_confusion(trained):
    course, run = trained
    evaluation = run_cli("evaluate", "--solutions", "--json", cwd=course)
    assert evaluation.returncode == 0, evaluation.stderr[-3000:]
    result = json.loads(evaluation.stdout)
    cm = np.array(result["confusion"])
    assert cm.shape == (10, 10) and cm.sum() == 10000
    assert result["accuracy"] == pytest.approx(np.trace(cm) / 10000)
    trained_accuracy = float(run.stdout.split("Test accuracy: ")[1].split()[0])
    assert result["accuracy"] == pytest.approx(trained_accuracy, abs=1e-4)
    assert list((course / ".course" / "figures").glob("*-confusion.png"))


def test_training_again_keeps_the_earlier_model(trained):
    course, _ = trained
    before = set((course / ".course" / "models").glob("*.keras"))
    out = course / "elsewhere" / "mine.keras"
    out.parent.mkdir()
    out.write_bytes(b"an earlier model the learner made")
    run = run_cli("train", "--solutions", "--epochs", "1", "--limit", "500", "--out", str(out), cwd=course)
    assert run.returncode == 0, run.stderr[-2000:]
    assert out.is_file() and before <= set((course / ".course" / "models").glob("*.keras"))
    latest = (course / ".course" / "models" / "LATEST").read_text().strip()
    assert latest == "../../elsewhere/mine.keras"  # inside the course: relative, as a move keeps it
    # --out replaced a file: the old one is kept beside it, and the learner is told where.
    (kept,) = [path for path in out.parent.glob("mine-*.keras")]
    assert kept.read_bytes() == b"an earlier model the learner made"
    assert f"Your earlier mine.keras is kept as {kept}" in run.stdout


def load(path):
    import keras

    return keras.saving.load_model(path, compile=False)


def test_the_mlp_trains_with_augmentation_unless_told_not_to(trained):
    course, _ = trained
    default = latest_model(course)
    plain = course / "plain.keras"
    run = run_cli("train", "--solutions", "--epochs", "1", "--limit", "500", "--no-augment",
                  "--out", str(plain), cwd=course)  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    # The pipeline warps the training batches itself (tests/test_augmentation.py proves how),
    # so neither saved model carries random layers; the same seed trained on moved images
    # ends with other weights.
    augmented, unmoved = load(default), load(plain)
    assert random_layer_names(augmented) == [] == random_layer_names(unmoved)
    assert any(not np.allclose(a, b) for a, b in zip(augmented.get_weights(), unmoved.get_weights()))


def test_training_whose_output_nobody_reads_still_saves_its_model(scratch_course):
    """`mnist-course train | head -1`: the reader leaves, and the next line printed (inside
    train(), by Keras) met a broken pipe, which was said as 'no internet?' and lost the model."""
    import subprocess

    from companion_course import cli_command, cli_env

    child = subprocess.Popen(cli_command("train", "--solutions", "--epochs", "1", "--limit", "500"),
                             cwd=scratch_course, env=cli_env(), stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    child.stdout.close()  # a reader gone before the first line: every write meets a broken pipe
    said = child.stderr.read().decode()
    assert child.wait(timeout=300) == 0, said[-3000:]
    assert "internet" not in said and "Traceback" not in said, said[-3000:]
    assert list((scratch_course / ".course" / "models").glob("mlp-*.keras"))


def test_training_with_unwritten_lessons_says_which_to_finish(scratch_course):
    message = one_line_error(run_cli("train", "--epochs", "1", cwd=scratch_course))
    assert "not written yet" in message and "lesson 01: load_mnist()" in message
    assert "lesson 06: predict_labels(), accuracy()" in message  # every missing one, at once
    assert "pytest checks/lesson_01" in message and "--solutions" in message


def test_evaluate_without_a_trained_model_says_how_to_train(scratch_course):
    message = one_line_error(run_cli("evaluate", "--solutions", cwd=scratch_course))
    assert "mnist-course train" in message


@pytest.mark.parametrize("kind", ["missing", "folder", "text", "wrong input"])
def test_evaluate_rejects_a_bad_model_file(scratch_course, kind):
    path = scratch_course / "model.keras"
    if kind == "folder":
        path.mkdir()
    elif kind == "text":
        path.write_text("not a model")
    elif kind == "wrong input":
        import keras

        model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(10)])
        model.save(path)
    message = one_line_error(run_cli("evaluate", "--solutions", "--model", str(path), cwd=scratch_course))
    assert str(path) in message


def test_outside_a_course_folder(tmp_path):
    message = one_line_error(run_cli("evaluate", cwd=tmp_path))
    assert "not inside the mnist-course folder" in message
