"""The pipeline's fast augmentation replays lesson 04's block exactly, one warp per image."""

from __future__ import annotations

import numpy as np
import pytest

from mnist_course.training import augmentation


@pytest.fixture(scope="module")
def digits():
    """Smooth blobs away from the border: resampling them once or three times differs a little
    (three warps in a row also lose what the first pushes out of the frame)."""
    rows, columns = np.mgrid[0:28, 0:28]
    return np.stack([
        np.exp(-(((columns - x) / 4.0) ** 2 + ((rows - y) / 3.0) ** 2) / 2)
        for x, y in ((16, 11), (11, 16), (14, 14), (16, 16))
    ]).astype(np.float32)  # fmt: skip


def keras_block(rotation, shift_y, shift_x, zoom):
    import keras

    black = {"fill_mode": "constant", "fill_value": 0.0}
    return keras.Sequential([
        keras.layers.Reshape((28, 28, 1)),
        keras.layers.RandomRotation(rotation, **black),
        keras.layers.RandomTranslation(shift_y, shift_x, **black),
        keras.layers.RandomZoom(zoom, **black),
    ])  # fmt: skip


def test_one_warp_equals_the_three_keras_layers(digits):
    # Fixed ranges (low == high) make every draw the same, so the two can be compared.
    block = keras_block((0.04, 0.04), (0.1, 0.1), (-0.07, -0.07), (0.15, 0.15))
    settings = augmentation.settings_of(block)
    assert settings.rotation == (0.04, 0.04) and settings.zoom_y == (0.15, 0.15)
    expected = np.asarray(block(digits, training=True))[..., 0]
    replayed = augmentation.warp(digits, settings, np.random.default_rng(0))
    assert np.abs(replayed - digits).max() > 0.5  # the images did move
    # Keras resamples three times (a little more blur), we once: the same move, a hair sharper.
    np.testing.assert_allclose(replayed, expected, atol=0.04)


def test_what_a_warp_uncovers_reads_the_fill_value(digits):
    settings = augmentation.Settings(rotation=(0.1, 0.1), shift_y=(0.2, 0.2), shift_x=(0.2, 0.2),
                                     zoom_y=(0.2, 0.2), fill_value=0.25)  # fmt: skip
    warped = augmentation.warp(digits, settings, np.random.default_rng(1))
    assert warped.shape == digits.shape and warped.dtype == np.float32
    assert (warped[:, 0, 0] == np.float32(0.25)).all()  # the corner a 20% shift uncovers
    assert (augmentation.warp(digits[..., None], settings, np.random.default_rng(1))[..., 0] == warped).all()


def test_the_solution_block_is_replayed_and_other_blocks_are_not():
    import keras

    from conftest import ROOT
    from mnist_course.course import load_lesson

    settings = augmentation.settings_of(load_lesson(ROOT / "solutions", "04").augment())
    assert settings == augmentation.Settings(
        rotation=(-0.02, 0.02), shift_y=(-0.05, 0.05), shift_x=(-0.05, 0.05), zoom_y=(-0.05, 0.05)
    )
    flipped = keras.Sequential([keras.layers.RandomFlip(), keras.layers.RandomRotation(0.1)])
    assert augmentation.settings_of(flipped) is None


def test_batches_are_seeded_and_new_every_epoch(digits):
    images = np.repeat(digits, 8, axis=0)
    labels = np.arange(len(images))
    settings = augmentation.Settings(rotation=(-0.05, 0.05), shift_y=(-0.1, 0.1), shift_x=(-0.1, 0.1))
    one, two = (augmentation.batches(images, labels, settings, 16, seed=3) for _ in range(2))
    assert len(one) == 2
    first, first_labels = one[0]
    np.testing.assert_array_equal(first, two[0][0])  # same seed, same batch
    assert not np.allclose(first, images[first_labels])  # each image moved
    one.on_epoch_end()
    again, again_labels = one[0]
    assert not np.array_equal(again_labels, first_labels) or not np.allclose(again, first)
    assert sorted(np.concatenate([one[0][1], one[1][1]])) == list(labels)  # every image, once


@pytest.mark.parametrize("augment", [True, False])
def test_the_pipeline_trains_on_warped_batches_and_saves_a_plain_model(monkeypatch, augment):
    from conftest import ROOT
    from mnist_course.check_support.toolkit import random_layer_names
    from mnist_course.training.pipeline import Implementation, build_and_fit

    warped = []
    real_warp = augmentation.warp
    monkeypatch.setattr(augmentation, "warp", lambda images, *rest: warped.append(len(images))
                        or real_warp(images, *rest))  # fmt: skip
    rng = np.random.default_rng(0)
    images, labels = rng.uniform(0, 1, (300, 28, 28)).astype(np.float32), rng.integers(0, 10, 300)
    solutions = Implementation(ROOT / "solutions", ROOT / "solutions")
    model, history, _ = build_and_fit(solutions, "mlp", (images[:256], labels[:256]),
                                      (images[256:], labels[256:]), epochs=2, verbose=0, augment=augment)  # fmt: skip
    assert random_layer_names(model) == []  # the saved model is plain Keras either way
    if augment:
        assert history.augmentation == augmentation.settings_of(solutions.function("04", "augment")())
        assert sum(warped) >= 2 * 256  # every training image, every epoch
    else:
        assert history.augmentation is None and warped == []


def test_a_train_written_for_arrays_trains_the_slow_way_instead_of_failing(tmp_path, capsys):
    """A learner's train() that reads `x_train.shape` passes its checks (they give arrays) and
    would refuse the prepared batches: the pipeline then keeps the block inside the model."""
    import shutil

    from conftest import ROOT
    from mnist_course.check_support.toolkit import random_layer_names
    from mnist_course.training.pipeline import Implementation, build_and_fit

    mine = tmp_path / "lessons"
    shutil.copytree(ROOT / "solutions", mine)
    lesson_05 = mine / "lesson_05_train.py"
    source = lesson_05.read_text(encoding="utf-8")
    assert "    keras.utils.set_random_seed(seed)\n" in source
    lesson_05.write_text(source.replace("    keras.utils.set_random_seed(seed)\n",
                                        "    keras.utils.set_random_seed(seed)\n    print(x_train.shape)\n", 1))  # fmt: skip
    rng = np.random.default_rng(0)
    images, labels = rng.uniform(0, 1, (300, 28, 28)).astype(np.float32), rng.integers(0, 10, 300)
    model, history, _ = build_and_fit(Implementation(mine, ROOT / "solutions"), "mlp", (images[:256], labels[:256]),
                                      (images[256:], labels[256:]), epochs=1, verbose=0)  # fmt: skip
    assert history.augmentation == "in the model"
    assert random_layer_names(model) != []  # trained with lesson 04's random layers, as taught
    assert "did not take the course's prepared batches (AttributeError" in capsys.readouterr().err
