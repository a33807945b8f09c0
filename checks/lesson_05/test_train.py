"""Checks for lesson 05 · train, history_frame, plot_history.

Training runs on small seeded subsets (at most 4,500 images, at most 2 epochs): enough to
prove that the model learns, quick enough to rerun after every change. The seeds of the
short reruns and the histories given to history_frame and plot_history are drawn at random
for this run (the `drawn` fixture; the run's seed is in the header).
"""

import math

import keras
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from mnist_course.check_support.toolkit import call, error_words, expect, type_name, watch_fit

METRICS = ["accuracy", "loss", "val_accuracy", "val_loss"]
LEARNING_RUN = {"epochs": 2, "batch_size": 50, "seed": 0}  # the shared training run's budget
PASS_ACCURACY = 0.90  # on the 500 validation images after it


@pytest.fixture(scope="module")
def lesson(learner):
    return learner("05")


def training_and_validation(reference, small_train):
    """small_train split by the reference's lesson 02: 4,500 images to train on, 500 to validate."""
    x, y = small_train
    return reference("02").split_validation(x, y, val_fraction=0.1, seed=0)


@pytest.fixture(scope="module")
def data(reference, small_train):
    return training_and_validation(reference, small_train)


def same_data(summary, array) -> bool:
    """Whether `summary` (the spy's [count, sum]) is that of `array`, in any order or dtype.

    None, a pipeline the spy cannot read (tf.data), is not judged here: the learning check is.
    """
    if summary is None:
        return True
    count, total = summary
    return count == len(array) and math.isclose(total, float(np.sum(array, dtype=np.float64)), rel_tol=1e-6)


def what_was_passed(images, labels, data) -> str:
    """Which of the arrays `train` was given model.fit got, for the "seen" of a message."""
    x_train, x_val, y_train, y_val = data
    if same_data(images, x_val) and same_data(labels, y_val):
        return f"x_val, y_val (the {len(x_val):,} validation images)"
    if same_data(images, x_train) and same_data(labels, y_train):
        return f"x_train, y_train (the {len(x_train):,} training images)"
    if same_data(images, x_train) or same_data(images, x_val):
        return "the right images, with other labels than theirs"
    if images[0] == len(x_train) + len(x_val):
        return f"{images[0]:,} images: x_train and x_val together"
    return f"{images[0]:,} images that are neither x_train nor x_val"


def validation_accuracy(model, data) -> float:
    """The share of the 500 validation images `model` reads right."""
    _, x_val, _, y_val = data
    # One direct call scores the 500 images: model.predict would first trace a graph.
    return float(np.mean(np.argmax(np.asarray(model(x_val, training=False)), axis=1) == y_val))


def fresh_model(reference, init_seed=123):
    """The reference MLP, compiled, with weights that depend only on `init_seed`."""
    keras.utils.set_random_seed(init_seed)
    lesson_04 = reference("04")
    return lesson_04.compile_model(lesson_04.build_model((128,)), learning_rate=2e-3)


def run(lesson, model, data, **kwargs):
    x_train, x_val, y_train, y_val = data
    history = call("train", lesson.train, model, x_train, y_train, x_val, y_val, **kwargs)
    expect(
        isinstance(getattr(history, "history", None), dict),
        "train",
        "the History object that model.fit returns",
        type_name(history),
        "return model.fit(...)",
    )
    return history


def state_of(model):
    """Every number training changes: the weights, the optimizer's and the random state."""
    return model.variables + model.optimizer.variables


@pytest.fixture(scope="module")
def learned(lesson, reference, data):
    """One real training run of 2 epochs, watched by a spy, shared by several checks.

    Also the model's starting state, so a check can rewind it and train again: building
    and tracing a fresh model would cost more than the training it checks.
    """
    model = fresh_model(reference)
    model.optimizer.build(model.trainable_variables)
    start = [variable.numpy() for variable in state_of(model)]
    spy = watch_fit(model)
    spy.compiled_as = compiled_as(model)
    history = run(lesson, model, data, **LEARNING_RUN, verbose=0)
    spy.calls_in_shared_run = len(spy.calls)  # a later check trains this model again
    return model, spy, history, start


def compiled_as(model) -> tuple[str, str]:
    """(optimizer and learning rate, loss): what compile_model chose, in words."""
    optimizer = getattr(model, "optimizer", None)
    rate = getattr(optimizer, "learning_rate", None)
    try:
        rate = f"{float(np.asarray(rate)):g}"
    except (TypeError, ValueError):
        rate = "a schedule"
    loss = getattr(model, "loss", None)
    loss = loss if isinstance(loss, str) else getattr(loss, "name", None) or type(loss).__name__
    return f"{type(optimizer).__name__} with learning rate {rate}", loss


def test_the_model_learns(learned, data):
    model, _, history, _ = learned
    keys = sorted(history.history)
    expect(
        all(key in keys for key in METRICS),
        "train",
        f"history with {METRICS}",
        f"history with {keys}",
        "no val_ metrics means the validation data was ignored: "
        "pass validation_data=(x_val, y_val) to model.fit",
    )
    epochs = len(history.history["loss"])
    wanted = LEARNING_RUN["epochs"]
    expect(
        epochs == wanted,
        "train",
        f"{wanted} epochs when train(..., epochs={wanted})",
        f"{epochs} epochs",
        "pass epochs=epochs to model.fit",
    )
    accuracy = validation_accuracy(model, data)
    expect(
        accuracy >= PASS_ACCURACY,
        "train",
        f"validation accuracy of at least {PASS_ACCURACY:.2f} after {wanted} epochs on 4,500 "
        "images",
        f"{accuracy:.3f}" + (", no better than guessing one of ten digits" if accuracy < 0.2 else ""),
        "is the model trained on x_train/y_train (not the validation data), does each image "
        "keep its own label (shuffle x and y with one permutation, or let model.fit shuffle), "
        "and are the images scaled to [0, 1]?",
    )


def test_fit_gets_the_arguments(learned, data):
    _, spy, _, _ = learned
    expect(
        spy.kwargs is not None,
        "train",
        "a call to model.fit",
        "model.fit was never called",
        "train with model.fit(x_train, y_train, ...)",
    )
    calls = spy.calls_in_shared_run
    expect(
        calls == 1,
        "train",
        "one call to model.fit",
        f"{calls} calls: each goes on from where the last stopped, so the model trained "
        f"{calls} times the epochs train was given",
        "call model.fit once and return the History it gives",
    )
    given = spy.kwargs["data"]
    x_train, x_val, y_train, y_val = data
    expect(
        same_data(given["x"], x_train) and same_data(given["y"], y_train),
        "train",
        f"model.fit training on x_train, y_train (the {len(x_train):,} training images)",
        f"model.fit training on {what_was_passed(given['x'], given['y'], data)}",
        "train on the training set alone: the validation images are kept apart so that "
        "val_loss measures the model on images it never learnt from",
    )
    expect(
        spy.kwargs.get("batch_size") == 50,
        "train",
        "batch_size=50 passed to model.fit when train(..., batch_size=50)",
        f"batch_size={spy.kwargs.get('batch_size')}",
        "pass batch_size=batch_size to model.fit",
    )
    expect(
        spy.kwargs.get("verbose") == 0,
        "train",
        "verbose=0 passed to model.fit when train(..., verbose=0): the caller wants silence",
        f"verbose={spy.kwargs.get('verbose', 'not passed (Keras then draws its progress bar)')!r}",
        "pass verbose=verbose to model.fit: `mnist-course train` chooses bars or one line "
        "per epoch through it",
    )
    split = spy.kwargs.get("validation_split")
    expect(
        spy.kwargs.get("validation_data_given") and not split,
        "train",
        "model.fit validating on the validation set train is given: validation_data=(x_val, y_val)",
        f"validation_split={split!r}: Keras held back the last {split:.0%} of x_train instead"
        if split else "no validation_data",
        "validation_split carves a validation set out of x_train, so the model trains on less and is "
        "judged on other images than x_val: use the validation set you are given, "
        "validation_data=(x_val, y_val)"
        if split else "pass validation_data=(x_val, y_val) to model.fit",
    )
    expect(
        same_data(given["validation_x"], x_val) and same_data(given["validation_y"], y_val),
        "train",
        f"validation_data=(x_val, y_val) (the {len(x_val):,} validation images)",
        f"validation on {what_was_passed(given['validation_x'], given['validation_y'], data)}",
        "validate on the images held back: judged on images it learns from, the model looks "
        "better every epoch, and early stopping never sees it start to memorise",
    )


def test_train_keeps_how_the_model_was_compiled(learned):
    model, spy, _, _ = learned
    now = compiled_as(model)
    expect(
        now == spy.compiled_as,
        "train",
        f"the model trained as lesson 04 compiled it: {spy.compiled_as[0]}, loss {spy.compiled_as[1]}",
        f"{now[0]}, loss {now[1]}: train() compiled the model again",
        "train() is given a compiled model: call model.fit only. model.compile replaces the optimizer "
        "and the learning rate that compile_model chose (and the course's own schedule in "
        "`mnist-course train`)",
    )


def test_stops_early_and_keeps_the_best_weights(lesson, learned):
    _, spy, _, _ = learned
    callbacks = spy.kwargs.get("callbacks") or []
    stoppers = [cb for cb in callbacks if isinstance(cb, keras.callbacks.EarlyStopping)]
    expect(
        len(stoppers) == 1,
        "train",
        "one keras.callbacks.EarlyStopping in model.fit's callbacks",
        f"callbacks {[type(cb).__name__ for cb in callbacks]}",
        "callbacks=[keras.callbacks.EarlyStopping(monitor='val_loss', patience=PATIENCE, "
        "restore_best_weights=True)]",
    )
    stopper = stoppers[0]
    expect(
        stopper.monitor == "val_loss" and stopper.restore_best_weights,
        "train",
        "EarlyStopping watching 'val_loss' with restore_best_weights=True",
        f"monitor={stopper.monitor!r}, restore_best_weights={stopper.restore_best_weights}",
        "watch the validation loss (training loss always improves), and restore the best "
        "epoch's weights, not the last",
    )
    expect(
        stopper.mode in ("auto", "min"),
        "train",
        "EarlyStopping keeping the epoch of the lowest val_loss (mode 'auto' or 'min')",
        f"mode={stopper.mode!r}: the best epoch is then the one with the highest loss, the worst",
        "leave mode out: Keras knows that a loss should fall",
    )
    expect(
        stopper.patience == lesson.PATIENCE,
        "train",
        f"EarlyStopping waiting patience=PATIENCE ({lesson.PATIENCE}) epochs",
        f"patience={stopper.patience}",
        "use the module's constant, patience=PATIENCE, so the number lives in one place",
    )


def test_the_same_seed_gives_the_same_numbers(lesson, learned, data, drawn):
    x_train, x_val, y_train, y_val = data
    small = (x_train[:600], x_val[:100], y_train[:600], y_val[:100])
    # The shared model, rewound to its starting point before each run: building and
    # tracing a fresh model per run would triple the time of this check. Batches of 50,
    # as in the shared run, which 600 and 100 images fill exactly: a new batch shape
    # would make Keras trace its training step again.
    model, _, _, start = learned

    def first_loss(seed, scramble):
        for variable, value in zip(state_of(model), start):
            variable.assign(value)
        # Leave the global random state somewhere new, so only train's own seeding can
        # make two runs repeat.
        keras.utils.set_random_seed(scramble)
        return run(lesson, model, small, epochs=1, batch_size=50, seed=seed, verbose=0).history["loss"][0]

    # These runs add to the recorder's calls; the other checks read only the first.
    seed = int(drawn.integers(1, 10_000))  # drawn for this run
    other = seed + int(drawn.integers(1, 1000))
    runs = [first_loss(s, scramble) for s, scramble in ((seed, 1001), (seed, 1002), (other, 1003))]
    expect(
        runs[0] == runs[1],
        "train",
        f"the same loss for two runs with seed={seed} (drawn for this run)",
        f"losses {runs[0]:.6f} and {runs[1]:.6f}",
        "call keras.utils.set_random_seed(seed) at the start of train",
    )
    expect(
        runs[0] != runs[2],
        "train",
        f"a different loss for seed={other} than for seed={seed}",
        "the same loss",
        "use the seed argument, not a fixed number",
    )


def fake_history():
    history = keras.callbacks.History()
    history.history = {
        "loss": [0.5, 0.3, 0.2],
        "accuracy": [0.85, 0.91, 0.94],
        "val_loss": [0.35, 0.28, 0.29],
        "val_accuracy": [0.9, 0.92, 0.925],
    }
    return history


def drawn_history(drawn):
    """A History of a few epochs whose numbers are drawn for this run."""
    epochs = int(drawn.integers(2, 10))
    history = keras.callbacks.History()
    loss = np.sort(drawn.uniform(0.05, 1.0, size=epochs))[::-1]
    accuracy = np.sort(drawn.uniform(0.7, 0.99, size=epochs))
    history.history = {
        "loss": [round(float(v), 4) for v in loss],
        "accuracy": [round(float(v), 4) for v in accuracy],
        "val_loss": [round(float(v), 4) for v in loss + drawn.uniform(0.0, 0.2, size=epochs)],
        "val_accuracy": [round(float(v), 4) for v in accuracy - drawn.uniform(0.0, 0.05, size=epochs)],
    }
    return history


def test_history_frame(lesson, drawn):
    given = fake_history()
    before = {key: list(values) for key, values in given.history.items()}
    try:
        frame = call("history_frame", lesson.history_frame, given)
    except (ValueError, TypeError) as error:
        words = error_words(error, 120)
        expect(
            False,
            "history_frame",
            "a DataFrame built from the History's numbers",
            words,
            "the index has not one label per epoch: pd.RangeIndex(start, stop) stops before `stop`, "
            "so epochs 1..n are pd.RangeIndex(1, n + 1)"
            if "length of index" in words.lower() else
            "the History object itself is not a table: its dict of lists is history.history, "
            "so pd.DataFrame(history.history)",
        )
    expect(
        given.history == before,
        "history_frame",
        "history.history unchanged (plot_history and Keras read it after you)",
        f"history.history now has the keys {sorted(given.history)}"
        if sorted(given.history) != sorted(before) else "history.history's lists changed",
        "build the table from a copy: pd.DataFrame(history.history), then set the index of the "
        "DataFrame, not a key of history.history",
    )
    expect(
        isinstance(frame, pd.DataFrame),
        "history_frame",
        "a pandas DataFrame",
        type_name(frame),
        "pd.DataFrame(history.history)",
    )
    expect(
        sorted(frame.columns) == METRICS,
        "history_frame",
        f"columns {METRICS}",
        f"columns {sorted(map(str, frame.columns))}",
        "the table is on its side: one row per metric, one column per epoch. Build it with one "
        "column per metric and one row per epoch, pd.DataFrame(history.history) (not "
        "orient='index', not .T)"
        if sorted(map(str, frame.index)) == METRICS
        else "one column per key of history.history",
    )
    expect(
        list(frame.index) == [1, 2, 3] and frame.index.name == "epoch",
        "history_frame",
        "an index named 'epoch' counting 1, 2, 3",
        f"index {list(frame.index)} named {frame.index.name!r}",
        "the epochs are right, the name is missing: give the index its name, "
        "pd.RangeIndex(1, len(frame) + 1, name='epoch') (or frame.index.name = 'epoch')"
        if list(frame.index) == [1, 2, 3]
        else "epochs count from 1: frame.index = pd.RangeIndex(1, len(frame) + 1, name='epoch')",
    )
    expect(
        frame.loc[2, "val_loss"] == 0.28,
        "history_frame",
        "val_loss 0.28 at epoch 2",
        f"{frame.loc[2, 'val_loss'] if 2 in frame.index else 'no epoch 2'}",
        "keep the values in their order",
    )
    history = drawn_history(drawn)
    epochs = len(history.history["loss"])
    frame = call("history_frame", lesson.history_frame, history)
    index = list(getattr(frame, "index", []))
    values = {key: list(np.asarray(frame[key], dtype=float)) if key in getattr(frame, "columns", []) else None
              for key in METRICS}
    expect(
        index == list(range(1, epochs + 1)) and all(values[key] == history.history[key] for key in METRICS),
        "history_frame",
        f"for a History of {epochs} epochs drawn for this run: epochs 1..{epochs}, "
        f"loss {history.history['loss'][:3]}...",
        f"index {index}, loss {(values['loss'] or [])[:3]}...",
        "build the table from the History you are given: pd.DataFrame(history.history), "
        "index pd.RangeIndex(1, len(frame) + 1, name='epoch')",
    )


ORDINALS = ["first", "second", "third", "fourth", "fifth"]
AXES_METRICS = ["loss", "accuracy"]  # what the first and the second axes plot


def column_of(line, history):
    """The column of `history` a line draws (its y values), or None when it draws none of them."""
    y = np.asarray(line.get_ydata(), dtype=float)
    return next((key for key, values in history.history.items()
                 if len(values) == len(y) and np.allclose(y, values, atol=5e-4)), None)


def column_named(label, ax, position):
    """The column of a History a line's label names: 'validation accuracy' -> 'val_accuracy',
    'loss' -> 'loss'. A label that names no metric ('training') takes its axes' (by the axes'
    title or y label, else by its place); None for a label that names neither."""
    words = label.lower()
    if label.startswith("_") or not any(word in words for word in ("train", "val", "loss", "acc")):
        return None
    axes_words = f"{ax.get_title()} {ax.get_ylabel()}".lower()
    metric = ("loss" if "loss" in words else "accuracy" if "acc" in words
              else "loss" if "loss" in axes_words else "accuracy" if "acc" in axes_words
              else AXES_METRICS[position] if position < len(AXES_METRICS) else None)
    return metric and ("val_" if "val" in words else "") + metric


def numbers(values) -> str:
    return ", ".join(f"{value:g}" for value in np.round(values, 3)[:4]) + (" ..." if len(values) > 4 else "")


def drawn_lines(ax) -> list[tuple]:
    """(line, label) for each line of `ax` that draws points.

    A line without points stands in for a legend entry: seaborn draws its data lines
    unlabelled and adds one empty line per entry. Its label goes to the data line of its colour.
    """
    from matplotlib.colors import to_rgba

    stand_ins = {to_rgba(line.get_color()): str(line.get_label()) for line in ax.lines
                 if len(line.get_ydata()) == 0 and not str(line.get_label()).startswith("_")}
    found = []
    for line in ax.lines:
        if len(line.get_ydata()):
            label = str(line.get_label())
            found.append((line, stand_ins.get(to_rgba(line.get_color()), label) if label.startswith("_") else label))
    return found


def curve_axes(figure) -> list:
    """The axes of `figure` that draw lines."""
    return [ax for ax in figure.axes if drawn_lines(ax)]


def expect_lines_as_labelled(figure, history, what):
    """Each line draws the column its label names: 'validation accuracy' draws val_accuracy."""
    lines = [(line, label, column_of(line, history), column_named(label, ax, position), position)
             for position, ax in enumerate(curve_axes(figure)) for line, label in drawn_lines(ax)]
    for line, label, shows, named, position in lines:
        if named is None or shows == named:
            continue
        partner, beside = next(((other_label, other_position == position) for other, other_label, other_shows,
                                 other_named, other_position in lines
                                 if other is not line and other_named == shows and other_shows == named),
                                (None, False))  # fmt: skip
        seen = (f"it shows {shows} ({numbers(history.history[shows])})" if shows
                else f"it shows values that are none of the history's columns ({numbers(line.get_ydata())})")
        if partner is not None:
            seen += (f", and the line labelled {partner!r} shows {named}: "
                     + ("the two labels are swapped" if beside else "loss and accuracy are drawn the wrong way round"))
            partner = partner if beside else None
        expect(
            False,
            "plot_history",
            f"the line labelled {label!r} ({ORDINALS[position]} axes) to show {named} "
            f"({numbers(history.history[named])}), {what}",
            seen,
            "give each line the label of the column it plots: ax.plot(frame.index, frame['loss'], "
            "label='training loss'), ax.plot(frame.index, frame['val_loss'], label='validation loss')"
            if partner is not None
            else f"plot the column the label names: ax.plot(frame.index, frame['{named}'], label={label!r}) "
            "(the val_ columns are the validation set's, the others the training set's)",
        )


def axes_words(ax) -> str:
    """'training loss' and 'validation loss': an axes' lines by their labels."""
    lines = drawn_lines(ax)
    labels = [label for _, label in lines if not label.startswith("_")]
    return " and ".join(repr(label) for label in labels) if labels else f"{len(lines)} unlabelled lines"


def expect_curves_by_epoch(figure, history, what):
    """Loss on the first axes, accuracy on the second, each point at its epoch 1, 2, 3..."""
    expect_lines_as_labelled(figure, history, what)
    curves = curve_axes(figure)
    epochs = len(history.history["loss"])
    drawn_on = [sorted(tuple(np.round(line.get_ydata(), 3)) for line, _ in drawn_lines(ax)) for ax in curves]
    wanted = [sorted(tuple(np.round(history.history[key], 3)) for key in pair)
              for pair in (("loss", "val_loss"), ("accuracy", "val_accuracy"))]
    expect(
        drawn_on == wanted,
        "plot_history",
        f"the first axes plotting loss and val_loss, the second accuracy and val_accuracy, {what}",
        f"accuracy on the first axes ({axes_words(curves[0])}) and loss on the second "
        f"({axes_words(curves[1])})" if drawn_on == wanted[::-1]
        else f"{len(curves)} axes with other curves: "
        + "; ".join(f"the {ORDINALS[i]} shows {axes_words(ax)}" for i, ax in enumerate(curves[:5])),
        "the first axes plots the loss (loss_ax), the second the accuracy: "
        "for ax, metric in ((loss_ax, 'loss'), (accuracy_ax, 'accuracy'))",
    )
    xs = [np.asarray(line.get_xdata(), dtype=float) for ax in curves for line, _ in drawn_lines(ax)]
    expect(
        all(x.shape == (epochs,) and np.allclose(x, np.arange(1, epochs + 1)) for x in xs),
        "plot_history",
        f"each point at its epoch: x = 1..{epochs}, {what}",
        f"x = {xs[0][0]:g}..{xs[0][-1]:g}" if xs and len(xs[0]) else "no points",
        "ax.plot(values) alone numbers the points 0, 1, 2...: plot against the epochs, "
        "ax.plot(frame.index, frame['loss']) with frame = history_frame(history), whose index "
        "counts from 1",
    )


def test_plot_history(lesson, drawn):
    figure = call("plot_history", lesson.plot_history, fake_history())
    expect(
        isinstance(figure, Figure),
        "plot_history",
        "a matplotlib Figure",
        type_name(figure),
        "figure, (loss_ax, accuracy_ax) = plt.subplots(1, 2); ...; return figure",
    )
    curves = curve_axes(figure)
    expect(
        len(curves) == 2 and all(len(drawn_lines(ax)) >= 2 for ax in curves),
        "plot_history",
        "two axes (loss, accuracy), each with a training and a validation line",
        f"{len(curves)} axes with {[len(drawn_lines(ax)) for ax in curves]} lines",
        "plot loss and val_loss on one axes, accuracy and val_accuracy on the other",
    )
    expect_lines_as_labelled(figure, fake_history(), "for 3 epochs")
    plotted = sorted(tuple(np.round(line.get_ydata(), 3)) for ax in curves for line, _ in drawn_lines(ax))
    wanted = sorted(tuple(values) for values in fake_history().history.values())
    expect(
        all(curve in plotted for curve in wanted),
        "plot_history",
        "the four curves loss, val_loss, accuracy, val_accuracy",
        f"{len(plotted)} lines with other values",
        "plot history.history['loss'], ['val_loss'], ['accuracy'], ['val_accuracy']",
    )
    expect(
        all(ax.get_xlabel() == "epoch" and ax.get_legend() is not None for ax in curves),
        "plot_history",
        "x axes labelled 'epoch' and a legend on each axes",
        f"x labels {[ax.get_xlabel() for ax in curves]}, "
        f"legends {[ax.get_legend() is not None for ax in curves]}",
        "ax.set_xlabel('epoch'); give each line a label= and call ax.legend()",
    )
    expect_curves_by_epoch(figure, fake_history(), "for 3 epochs")
    plt.close(figure)
    history = drawn_history(drawn)
    figure = call("plot_history", lesson.plot_history, history)
    expect(
        isinstance(figure, Figure),
        "plot_history",
        "a matplotlib Figure",
        type_name(figure),
        "figure, (loss_ax, accuracy_ax) = plt.subplots(1, 2); ...; return figure",
    )
    expect_curves_by_epoch(figure, history, f"for a History of {len(history.history['loss'])} epochs "
                           "drawn for this run")
    plt.close(figure)
