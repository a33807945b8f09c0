"""The pipeline's fast augmentation replays lesson 04's block exactly, one warp per image."""

from __future__ import annotations

import cv2
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


@pytest.mark.parametrize("augment, extras", [(True, True), (True, False), (False, True)])
def test_the_pipeline_trains_on_warped_batches_and_saves_a_plain_model(monkeypatch, augment, extras):
    """With `extras` False (the bench's row without them) the batches get the learner's moves only."""
    from conftest import ROOT
    from mnist_course.check_support.toolkit import random_layer_names
    from mnist_course.training.pipeline import EXTRAS, Implementation, build_and_fit

    warped, given = [], set()
    real_warp = augmentation.warp
    monkeypatch.setattr(augmentation, "warp", lambda images, settings, rng, more=None, *rest: warped.append(len(images))
                        or given.add(more) or real_warp(images, settings, rng, more, *rest))  # fmt: skip
    rng = np.random.default_rng(0)
    images, labels = rng.uniform(0, 1, (300, 28, 28)).astype(np.float32), rng.integers(0, 10, 300)
    solutions = Implementation(ROOT / "solutions", ROOT / "solutions")
    model, history, _ = build_and_fit(solutions, "mlp", (images[:256], labels[:256]), (images[256:], labels[256:]),
                                      epochs=2, verbose=0, augment=augment, extras=extras)  # fmt: skip
    assert random_layer_names(model) == []  # the saved model is plain Keras either way
    if augment:
        assert history.augmentation == augmentation.settings_of(solutions.function("04", "augment")())
        assert sum(warped) >= 2 * 256  # every training image, every epoch
        assert given == ({augmentation.Extras(**EXTRAS["mlp"])} if extras else {None})
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


def test_the_course_extras_slant_and_squeeze_in_the_same_one_warp(digits):
    """Issue 24: a slant and a squeeze join the learner's moves in the same affine map; without
    extras (or with all of them off) the warp is the learner's block, draw for draw."""
    settings = augmentation.Settings(rotation=(-0.05, 0.05), shift_y=(-0.1, 0.1), shift_x=(-0.1, 0.1))
    plain = augmentation.warp(digits, settings, np.random.default_rng(4))
    off = augmentation.warp(digits, settings, np.random.default_rng(4), augmentation.Extras())
    np.testing.assert_array_equal(off, plain)
    still = augmentation.Settings()
    matrices = augmentation.random_matrices(still, 200, (28, 28), np.random.default_rng(5),
                                            augmentation.Extras(shear=0.3, aspect=0.2))  # fmt: skip
    centre = np.array([13.5, 13.5, 1.0])
    np.testing.assert_allclose(matrices @ centre, np.tile(centre[:2], (200, 1)), atol=1e-9)  # no shift drawn
    slant = matrices[:, 0, 1] / matrices[:, 0, 0]  # x read per unit of y: the shear
    assert np.abs(slant).max() <= 0.3 and np.abs(slant).max() > 0.2
    widths = matrices[:, 0, 0]
    assert np.exp(-0.2) - 1e-9 <= widths.min() < 0.9 and 1.1 < widths.max() <= np.exp(0.2) + 1e-9
    np.testing.assert_allclose(matrices[:, 1, :2], np.tile([[0.0, 1.0]], (200, 1)))  # heights unchanged


def test_the_styles_mnist_lacks_are_drawn_only_into_their_digits():
    """A flag on a 1, a bar on a 7, a hook on a 9; other digits get none (NaN: the batches keep
    them as they are)."""
    rows, columns = np.mgrid[0:28, 0:28]
    upright = ((np.abs(columns - 15) <= 1) & (rows >= 4) & (rows <= 23)).astype(np.float32)  # a plain 1
    images = np.stack([upright, upright, upright, upright])
    labels = np.array([1, 7, 9, 4])
    styled = augmentation.draw_styles(images, labels, np.random.default_rng(0))
    assert styled.dtype == np.float32 and styled.shape == images.shape
    np.testing.assert_array_equal(images[0], upright)  # drawn into a copy
    assert np.isnan(styled[3]).all()  # a 4 has no style (a closed-top 4 taught 9s to be 4s)
    drawn = styled[:3]
    assert drawn.min() >= 0.0 and drawn.max() <= 1.0
    flag = drawn[0] - upright
    assert flag[4:16, :14].sum() > 3  # the 1's flag: left of the stroke, in its upper part
    bar = drawn[1] - upright
    assert bar[:, :14].sum() > 1 and bar[:, 17:].sum() > 1  # the 7's bar crosses the stem
    hook = drawn[2] - upright
    assert hook[18:, :14].sum() > 1  # the 9's tail curls left at the bottom
    again = augmentation.draw_styles(images, labels, np.random.default_rng(0))
    np.testing.assert_array_equal(again, styled)  # seeded


def test_only_a_one_that_stands_upright_or_leans_back_gets_a_flag():
    """A flag on a 1 leaning forward (its top right of its foot, as most of MNIST's 1s) is a 7
    with a short bar: flagged so, they taught the MLP to read MNIST's short-barred 7s as 1s. Real
    flagged 1s stand upright or lean back. Flags on those alone, the MLP read MNIST's test set
    9896 / 9898 / 9895 / 9897 / 9889 right at seeds 0-4 (flags on every 1: 9895 / 9891 / 9894 /
    9871 / 9882), and as many real digits (pipeline.py has the figures)."""
    rows, columns = np.mgrid[0:28, 0:28]

    def one(lean: float) -> np.ndarray:  # a stroke from row 4 to 23, its top `lean` degrees right
        x = 14 + np.tan(np.radians(lean)) * (13.5 - rows)
        return ((np.abs(columns - x) <= 1) & (rows >= 4) & (rows <= 23)).astype(np.float32)

    leans = [0.0, 8.0, -15.0, 14.0, 25.0]
    images = np.stack([one(lean) for lean in leans])
    measured = [augmentation.forward_lean(image) for image in images]
    np.testing.assert_allclose(measured, leans, atol=1.5)  # a stroke of whole pixels leans near enough
    styled = augmentation.draw_styles(images, np.ones(len(leans), int), np.random.default_rng(0), reboxed=False)
    flagged = ~np.isnan(styled).all(axis=(1, 2))
    assert flagged.tolist() == [True, True, True, False, False]  # up to FLAG_MAX_LEAN (10) degrees
    blank = np.zeros((28, 28), np.float32)
    assert not augmentation.flagged_one(blank, np.random.default_rng(0))  # no ink, no stroke to flag
    flat = blank.copy()
    flat[14, 4:24] = 1.0  # ink with no height leans no way a 1 does
    assert augmentation.forward_lean(blank) == augmentation.forward_lean(flat) == float("inf")
    assert not augmentation.flagged_one(flat, np.random.default_rng(0))


def test_a_styled_digit_sits_where_a_reading_of_it_would():
    """Lesson 07 fits a picture's digit, flag and all, into a 20x20 box and puts its centre of
    mass in the middle; a style drawn beside a centred MNIST digit moved its centre of mass off
    the middle (a flagged 1's by 1-2 pixels), so the model learnt flagged 1s where no reading
    puts them: the reference MLP read two real flagged 1s of digits2/ as 7s, now none."""
    rows, columns = np.mgrid[0:28, 0:28]
    upright = ((np.abs(columns - 14) <= 1) & (rows >= 4) & (rows <= 23)).astype(np.float32)
    images = np.stack([upright] * 12)
    labels = np.array([1, 7, 9] * 4)
    styled = augmentation.draw_styles(images, labels, np.random.default_rng(1))
    for image in styled:
        m = cv2.moments(image)
        assert abs(m["m10"] / m["m00"] - 14) < 0.3 and abs(m["m01"] / m["m00"] - 14) < 0.3
        inked_rows, inked_columns = np.nonzero(image > 0.05)
        longer = max(np.ptp(inked_rows), np.ptp(inked_columns)) + 1
        assert 19 <= longer <= 21  # boxed to 20, give or take the anti-aliased edge
    foot = styled[labels == 1][:, 20:24, :]  # the stem's lowest rows: no flag reaches them
    stems = (foot * columns[20:24]).sum(axis=(1, 2)) / foot.sum(axis=(1, 2))
    assert (stems > 14.1).all()  # the flag pulls the centre of mass left: the stem sits right of it


def test_the_cnn_learns_its_styled_digits_as_drawn():
    """The reboxing is the MLP's (it reads each pixel where it is). The CNN read worse with it:
    MNIST's test set 9934 / 9924 / 9916 right at seeds 0 / 1 / 2 (without the extras 9936 / 9938
    / 9933), and with the styles as drawn 9938 / 9934 / 9935, reading as many real digits or more
    (pipeline.EXTRAS). As drawn: the style's ink added, the digit's own left where it was."""
    from mnist_course.training.pipeline import EXTRAS

    assert EXTRAS["cnn"]["reboxed"] is False and EXTRAS["mlp"].get("reboxed", True) is True
    rows, columns = np.mgrid[0:28, 0:28]
    upright = ((np.abs(columns - 14) <= 1) & (rows >= 4) & (rows <= 23)).astype(np.float32)
    images = np.stack([upright] * 6)
    labels = np.array([1, 7, 9] * 2)
    drawn = augmentation.draw_styles(images, labels, np.random.default_rng(1), reboxed=False)
    assert (drawn >= upright).all() and (drawn > upright).any(axis=(1, 2)).all()
    boxed = augmentation.draw_styles(images, labels, np.random.default_rng(1))
    assert not np.allclose(boxed, drawn)  # the same styles, boxed and centred again
    settings = augmentation.Settings()  # no move: a batch shows its digits as they are
    extras = augmentation.Extras(**EXTRAS["cnn"] | {"styles": 1.0})
    batch, _ = augmentation.batches(images, labels, settings, 6, seed=1, extras=extras)[0]
    assert (batch >= upright - 1e-6).all() and (batch > upright + 0.1).any(axis=(1, 2)).all()


def test_the_pen_changes_stroke_weight_and_never_erases_a_digit():
    rows, columns = np.mgrid[0:28, 0:28]
    bar = ((np.abs(columns - 14) <= 1) & (rows >= 5) & (rows <= 22)).astype(np.float32)  # 3 pixels wide
    hair = ((columns == 14) & (rows >= 5) & (rows <= 22)).astype(np.float32)  # 1 pixel wide
    images = np.stack([bar] * 50 + [hair] * 50)
    before = images.sum(axis=(1, 2))
    augmentation.change_pen(images, 0.4, np.random.default_rng(0))
    after = images.sum(axis=(1, 2))
    assert (after[:50] > before[:50]).any() and (after[:50] < before[:50]).any()  # bolder and finer
    assert (after[50:] >= before[50:]).all()  # a hairline is never eroded away
    assert images.min() >= 0.0 and images.max() <= 1.0


def test_batches_with_extras_are_seeded_and_keep_the_labels(digits):
    images = np.repeat(digits, 8, axis=0)
    labels = np.tile(np.array([1, 9, 7, 0]), 8)
    settings = augmentation.Settings(rotation=(-0.05, 0.05), shift_y=(-0.1, 0.1), shift_x=(-0.1, 0.1))
    extras = augmentation.Extras(shear=0.3, aspect=0.15, pen=0.3, styles=0.5)
    one, two = (augmentation.batches(images, labels, settings, 16, seed=3, extras=extras) for _ in range(2))
    first, first_labels = one[0]
    np.testing.assert_array_equal(first, two[0][0])
    assert first.dtype == np.float32 and first.shape == (16, 28, 28)
    assert sorted(np.concatenate([one[0][1], one[1][1]])) == sorted(labels)
