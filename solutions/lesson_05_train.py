"""Lesson 05 · Train the model.

Training repeats one step many times: take a batch of images, predict, measure the loss,
nudge every weight downhill. One pass over the training set is an *epoch*.

Three habits make training trustworthy:

- **Validate every epoch.** Training loss always goes down; validation loss tells you
  whether the model is learning digits or memorising these particular images.
- **Stop early.** When validation loss stops improving for a few epochs, stop, and keep
  the weights from the best epoch (`restore_best_weights=True`), not the last ones.
- **Seed everything.** `keras.utils.set_random_seed` seeds Python, NumPy and the backend,
  so weight initialisation, shuffling and dropout repeat exactly: two runs give the same
  numbers, and a change in the numbers means a change in your code.
"""

import keras
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd

PATIENCE = 5  # epochs without a better validation loss before we stop


def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    """Fit a compiled model, validating every epoch and stopping early.

    Seeds everything with `keras.utils.set_random_seed(seed)` first, then calls
    `model.fit` with the validation data and a `keras.callbacks.EarlyStopping` that
    watches "val_loss", waits `PATIENCE` epochs, and restores the best weights.

    Args:
        model: a compiled Keras model (see lesson 04).
        x_train, y_train: training images (n, 28, 28) float32 in [0, 1] and labels (n,).
        x_val, y_val: validation images and labels, same layout.
        epochs: the most epochs to train (early stopping may stop sooner).
        batch_size: images per gradient step.
        seed: integer seed; the same seed gives the same weights and the same history.
        verbose: passed to `model.fit` (0 silent, 1 progress bar, "auto").

    Returns:
        The `keras.callbacks.History` from `model.fit`: `history.history` maps "loss",
        "accuracy", "val_loss" and "val_accuracy" to one value per epoch trained.

    Example:
        >>> history = train(model, x_tr, y_tr, x_val, y_val, epochs=2)
        >>> sorted(history.history)
        ['accuracy', 'loss', 'val_accuracy', 'val_loss']
    """
    # BEGIN SOLUTION
    keras.utils.set_random_seed(seed)
    stop_early = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=PATIENCE, restore_best_weights=True
    )
    return model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=epochs,
        batch_size=batch_size,
        callbacks=[stop_early],
        shuffle=True,
        verbose=verbose,
    )
    # END SOLUTION


def history_frame(history):
    """Turn a Keras History into a table, one row per epoch.

    Args:
        history: a `keras.callbacks.History` (what `train` returns).

    Returns:
        A pandas DataFrame with one column per metric in `history.history` (e.g. "loss",
        "val_loss", "accuracy", "val_accuracy") and an index named "epoch" counting from 1.

    Example:
        >>> history_frame(history).loc[1, "val_accuracy"]   # after the first epoch
        0.93
    """
    # BEGIN SOLUTION
    frame = pd.DataFrame(history.history)
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="epoch")
    return frame
    # END SOLUTION


def plot_history(history):
    """Plot learning curves: loss and accuracy, training against validation.

    Args:
        history: a `keras.callbacks.History`.

    Returns:
        A matplotlib Figure with two axes: the first plots "loss" and "val_loss" by epoch,
        the second "accuracy" and "val_accuracy"; each has a legend and an x axis labelled
        "epoch", numbered from 1 as `history_frame` numbers the epochs.
    """
    # BEGIN SOLUTION
    frame = history_frame(history)
    figure, (loss_ax, accuracy_ax) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
    for ax, metric in ((loss_ax, "loss"), (accuracy_ax, "accuracy")):
        ax.plot(frame.index, frame[metric], marker="o", label=f"training {metric}")
        ax.plot(frame.index, frame[f"val_{metric}"], marker="o", label=f"validation {metric}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_title(metric.capitalize())
        ax.legend()
    return figure
    # END SOLUTION
