"""Label smoothing while `mnist-course train` trains the MLP: less sure of itself, it reads more.

Cross-entropy rewards a model for putting ever more of its probability on the right digit,
so on MNIST it learns to be 99.9% sure. On a real digit in a style MNIST rarely has (a 4
with a closed top) it is then just as sure of the wrong answer. Label smoothing (Szegedy et
al., 2016, "Rethinking the Inception Architecture") trains against targets that keep a
little probability for the other nine digits: 0.9 + 0.01 for the right one and 0.01 for
each other with a smoothing of 0.1. Measured on the real digits (issue 24, pipeline.py):
the MLP's misses became near ties instead of 95% certainties, and it read two more of them.

Lesson 04's `compile_model` compiles with sparse categorical cross-entropy, which takes no
smoothing; the course swaps the loss in for the training only and puts the learner's own
compile back afterwards, so the saved model and the grader see the learner's loss. The
progress bar and the training curves show the plain cross-entropy, measured alongside: the
smoothed loss cannot go below the targets' own entropy (about 0.5) and would look stuck.
"""

from __future__ import annotations

from contextlib import contextmanager

from mnist_course.check_support.toolkit import loss_problem
from mnist_course.training.callbacks import extra_callback

PLAIN = "crossentropy"  # the unsmoothed loss, measured alongside while training


@contextmanager
def smoothed_labels(model, smoothing: float):
    """While open, `model.fit` trains `model` (compiled by the learner) on smoothed labels.

    The optimizer (its learning-rate schedule included) and the accuracy metric stay; the
    logs, the progress bar and the History that `fit` returns call the plain cross-entropy
    "loss", as the learner's own training does. On leaving, the learner's compile is put
    back. A `smoothing` of 0, a model that was not compiled, or one whose loss lesson 04's
    check refuses (`loss_problem`: not sparse categorical cross-entropy on probabilities): no
    change (a learner's wrong loss is theirs to see train badly, not the course's to quietly
    replace).
    """
    import keras

    learner = model.get_compile_config()
    if not smoothing or not learner or loss_problem(model) is not None:
        yield
        return

    def smoothed_crossentropy(labels, scores):
        labels = keras.ops.cast(keras.ops.reshape(labels, (-1,)), "int32")
        targets = keras.ops.one_hot(labels, keras.ops.shape(scores)[-1])
        return keras.losses.categorical_crossentropy(targets, scores, label_smoothing=smoothing)

    class PlainLoss(keras.callbacks.Callback):
        """Renames the logs before the progress bar and History (which come after) see them."""

        def _rename(self, logs):
            for prefix in ("", "val_"):
                if logs is not None and prefix + PLAIN in logs:
                    logs[prefix + "loss"] = logs.pop(prefix + PLAIN)

        def on_train_batch_end(self, batch, logs=None):
            self._rename(logs)

        def on_test_batch_end(self, batch, logs=None):
            self._rename(logs)

        def on_epoch_end(self, epoch, logs=None):
            self._rename(logs)

    plain = keras.metrics.SparseCategoricalCrossentropy(name=PLAIN)
    model.compile(optimizer=model.optimizer, loss=smoothed_crossentropy, metrics=["accuracy", plain])
    with extra_callback(model, PlainLoss()):
        try:
            yield
        finally:
            model.compile_from_config(learner)

