"""The MLP trains on smoothed labels; the learner's compile, and their loss curve, are what is left."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ROOT

from mnist_course.training import smoothing

pytestmark = pytest.mark.slow  # trains two small models


@pytest.fixture(scope="module")
def few_digits():
    """64 random pictures with labels: a model can learn them all by heart, which is the point."""
    rng = np.random.default_rng(0)
    return rng.uniform(0, 1, (64, 28, 28)).astype(np.float32), rng.integers(0, 10, 64)


def learner_model():
    from mnist_course.course import load_lesson

    lesson = load_lesson(ROOT / "solutions", "04")
    return lesson.compile_model(lesson.build_model(hidden_units=(64,), dropout=0.0), learning_rate=3e-3)


def learnt_by_heart(smoothed: float, few_digits):
    """The model after learning the pictures by heart, its history and how sure it is of them."""
    import keras

    images, labels = few_digits
    keras.utils.set_random_seed(0)
    model = learner_model()
    with smoothing.smoothed_labels(model, smoothed):
        # 200 steps over the same 64 pictures, 10 to an epoch: Keras' cost per epoch is the slow part.
        history = model.fit(np.tile(images, (10, 1, 1)), np.tile(labels, 10), validation_data=(images, labels),
                            validation_freq=20, epochs=20, batch_size=64, shuffle=False, verbose=0)  # fmt: skip
    return model, history, float(np.mean(np.max(model(images, training=False), axis=1)))


@pytest.fixture(scope="module")
def plain(few_digits):
    return learnt_by_heart(0.0, few_digits)


@pytest.fixture(scope="module")
def smoothed(few_digits):
    return learnt_by_heart(0.1, few_digits)


def test_smoothed_labels_keep_the_model_from_being_certain(plain, smoothed, few_digits):
    # Cross-entropy alone drives the right digit's probability to 1; with a smoothing of 0.1
    # the best answer is 0.91 (0.9 + 0.1 / 10) for the right digit and 0.01 for each other.
    assert plain[2] > 0.99
    assert 0.88 < smoothed[2] < 0.93
    model = smoothed[0]
    assert float(np.mean(np.argmax(model(few_digits[0], training=False), axis=1) == few_digits[1])) == 1.0


def test_the_learner_compile_and_curves_come_back_after_training(smoothed):
    import keras

    model, history, _ = smoothed
    learner = learner_model().get_compile_config()
    after = model.get_compile_config()
    assert {**after, "optimizer": None} == {**learner, "optimizer": None}  # the saved file shows the learner's loss
    assert after["optimizer"]["class_name"] == "Adam"
    assert isinstance(model.loss, keras.losses.SparseCategoricalCrossentropy)
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    # The curves plot the plain cross-entropy: learnt by heart, it heads to 0, where the
    # smoothed loss it trained on cannot go below the targets' own entropy (about 0.5).
    assert history.history["loss"][-1] < 0.3
    assert history.history["val_loss"][-1] < 0.3


def test_an_uncompiled_model_is_left_alone():
    import keras

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    with smoothing.smoothed_labels(model, 0.1):
        assert not model.get_compile_config() and "fit" not in vars(model)
    assert not model.get_compile_config()


def test_the_callback_goes_and_earlier_wrappers_stay():
    """The pipeline also times the epochs by wrapping `fit`: leaving one wrapper keeps the other."""
    import keras

    from mnist_course.training.callbacks import extra_callback

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy")
    seen = []

    class Seen(keras.callbacks.Callback):
        def __init__(self, name):
            super().__init__()
            self.name = name

        def on_train_begin(self, logs=None):
            seen.append(self.name)

    data = np.zeros((4, 4), np.float32), np.zeros(4, int)
    with extra_callback(model, Seen("outer")):
        with extra_callback(model, Seen("inner")):
            model.fit(*data, verbose=0)
        model.fit(*data, verbose=0)
    model.fit(*data, verbose=0)
    assert seen == ["outer", "inner", "outer"] and "fit" not in vars(model)  # the outer one first


@pytest.mark.parametrize("loss, smoothed", [
    ("sparse_categorical_crossentropy", True),
    ("SparseCategoricalCrossentropy()", True),
    ("sparse_categorical_crossentropy function", True),
    ("SparseCategoricalCrossentropy(from_logits=True)", False),
    ("categorical_crossentropy", False),
    ("binary_crossentropy", False),
])  # fmt: skip
def test_only_the_lessons_loss_is_smoothed(loss, smoothed):
    """A learner's wrong loss must show in `mnist-course train`, not be replaced by the course's."""
    import keras

    losses = {"SparseCategoricalCrossentropy()": keras.losses.SparseCategoricalCrossentropy(),
              "sparse_categorical_crossentropy function": keras.losses.sparse_categorical_crossentropy,
              "SparseCategoricalCrossentropy(from_logits=True)": keras.losses.SparseCategoricalCrossentropy(from_logits=True)}  # fmt: skip
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss=losses.get(loss, loss), metrics=["accuracy"])
    learner = model.get_compile_config()
    with smoothing.smoothed_labels(model, 0.1):
        assert (model.get_compile_config() != learner) is smoothed
        assert ("fit" in vars(model)) is smoothed
    assert model.get_compile_config()["loss"] == learner["loss"]
