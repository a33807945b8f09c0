"""Checks for lesson 06 · predictions, accuracy, the confusion matrix and the report.

Most checks use small hand-made label arrays whose right answers are easy to see, then
labels drawn at random for this run (the `drawn` fixture; the run's seed is in the header),
so a function that returns the first example's answer as a fixed number cannot pass. The
prediction check uses an untrained reference model (its guesses are arbitrary, but the
digit with the highest score is still well defined).
"""

import keras
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from mnist_course.check_support.toolkit import call, describe, expect, plain, rounded, type_name

# Ten true digits and predictions with known mistakes: 4 read as 9 twice, 7 as 1 once,
# 9 as 4 once; there are no 6s at all.
Y_TRUE = np.array([0, 1, 2, 3, 4, 4, 4, 5, 7, 7, 8, 9, 9])
Y_PRED = np.array([0, 1, 2, 3, 9, 9, 4, 5, 1, 7, 8, 4, 9])


@pytest.fixture(scope="module")
def lesson(learner):
    return learner("06")


def drawn_labels(drawn):
    """A test set drawn for this run: n true digits and predictions that are mostly right.

    n is never a multiple of 13, so the accuracy can never be the fixed example's 9/13; one
    digit never occurs among the true labels (as the 6 in the fixed example).
    """
    n = int(drawn.integers(40, 400))
    n += n % 13 == 0
    absent = int(drawn.integers(0, 10))
    y_true = drawn.choice([d for d in range(10) if d != absent], size=n)
    y_pred = y_true.copy()
    wrong = drawn.random(n) < drawn.uniform(0.1, 0.4)
    y_pred[wrong] = drawn.integers(0, 10, size=int(wrong.sum()))
    return y_true, y_pred


def counted(y_true, y_pred):
    """The (10, 10) table of (true, predicted) pairs, counted one by one."""
    table = np.zeros((10, 10), dtype=int)
    np.add.at(table, (y_true, y_pred), 1)
    return table


def the_highest_scores(labels, scores) -> bool:
    """Whether `labels` are each image's highest score (np.max), maybe rounded, not its position."""
    labels, highest = np.asarray(labels), np.asarray(scores).max(axis=1)
    if labels.shape != highest.shape or not np.issubdtype(labels.dtype, np.number):
        return False
    labels = labels.astype(float)
    return bool(np.allclose(labels, highest, atol=1e-4) or np.array_equal(labels, np.round(highest))
                or np.array_equal(labels, np.floor(highest)))


MAX_NOT_ARGMAX = (
    "np.max(scores, axis=1) (or scores.max(axis=1)) gives the highest probability itself; "
    "np.argmax(scores, axis=1) gives its position, 0..9, which is the digit"
)


def test_predict_labels_picks_the_highest_score(lesson, reference, small_test, capsys, drawn):
    x, _ = small_test
    keras.utils.set_random_seed(0)
    model = reference("04").build_model((32,))
    x = x[:192]  # six full batches of model.predict's 32: a smaller last one would be traced again
    capsys.readouterr()
    labels = np.asarray(call("predict_labels", lesson.predict_labels, model, x))
    printed = plain(capsys.readouterr().out)
    expect(
        not printed.strip(),
        "predict_labels",
        "nothing printed: predictions are data, and `mnist-course evaluate --json` prints "
        "only JSON",
        f"printed {printed.strip().splitlines()[-1][:70]!r}" if printed.strip() else "",
        "Keras draws a progress bar unless told not to: model.predict(x, verbose=0)",
    )
    scores = model.predict(x, verbose=0)
    wanted = np.argmax(scores, axis=1)
    expect(
        labels.shape == (192,),
        "predict_labels",
        "one digit per image: shape (192,) for 192 images",
        describe(labels),
        "model.predict gives ten scores per image; take np.argmax(scores, axis=1)"
        if labels.ndim == 2
        else "np.argmax(scores, axis=1) gives one index per row",
    )
    expect(
        np.array_equal(labels, wanted) or not the_highest_scores(labels, scores),
        "predict_labels",
        "one digit 0..9 per image: the position of its highest score",
        f"{describe(labels)}: these look like probabilities (0..1), not digits 0..9"
        if not np.issubdtype(labels.dtype, np.integer) else
        f"{describe(labels)}: each image's highest probability turned into a whole number, "
        "not a digit 0..9",
        MAX_NOT_ARGMAX,
    )
    expect(
        np.issubdtype(labels.dtype, np.integer),
        "predict_labels",
        "an integer array",
        describe(labels),
        "argmax already gives integers; don't round probabilities",
    )
    expect(
        np.array_equal(labels, wanted),
        "predict_labels",
        "the index of the highest of the ten scores for each image",
        f"{np.mean(labels == wanted):.0%} of images agree with argmax",
        "np.argmax(model.predict(x), axis=1): axis=1 is across the ten digits",
    )
    # Images of random pixels drawn for this run: two batches of 32 again, so nothing is traced anew.
    noise = drawn.random((64, 28, 28), dtype=np.float32)
    labels = np.asarray(call("predict_labels", lesson.predict_labels, model, noise))
    wanted = np.argmax(model.predict(noise, verbose=0), axis=1)
    expect(
        labels.shape == (64,) and np.array_equal(labels, wanted),
        "predict_labels",
        "for 64 images of random pixels drawn for this run, the index of each image's highest score",
        f"{np.mean(labels == wanted):.0%} of images agree with argmax" if labels.shape == (64,)
        else describe(labels),
        "predict the images you are given: np.argmax(model.predict(x, verbose=0), axis=1)",
    )


def test_accuracy(lesson, drawn):
    value = call("accuracy", lesson.accuracy, Y_TRUE, Y_PRED)
    counted = isinstance(value, (int, np.integer)) and int(value) == 9
    expect(
        isinstance(value, (float, np.floating)),
        "accuracy",
        "a float: the share of right answers, 9/13 here",
        f"{type_name(value)} {value!r}" + (" (the number of right answers)" if counted else ""),
        "that counts the right answers; the accuracy is their share: divide by the number of "
        "labels, or take np.mean(y_true == y_pred), which does both"
        if counted
        else "// is integer division: 9 // 13 is 0. Divide with /, or take "
        "float(np.mean(y_true == y_pred))"
        if isinstance(value, (int, np.integer)) and int(value) == 0
        else "float(np.mean(y_true == y_pred))",
    )
    expect(
        abs(float(value) - 9 / 13) < 1e-9,
        "accuracy",
        f"{9 / 13:.4f} (9 right out of 13)",
        f"{float(value):.4f}",
        "9 is the number of right answers: the share of positions where y_true == y_pred "
        "divides it by their number (np.mean does both)"
        if abs(float(value) - 9) < 1e-9
        else "a share between 0 and 1, not a percentage: do not multiply by 100"
        if float(value) > 1
        else "the share of positions where y_true == y_pred",
    )
    y_true, y_pred = drawn_labels(drawn)
    value = call("accuracy", lesson.accuracy, y_true, y_pred)
    wanted, right = float(np.mean(y_true == y_pred)), int(np.sum(y_true == y_pred))
    seen = float(value) if isinstance(value, (int, float, np.number)) else float("nan")
    expect(
        abs(seen - wanted) < 1e-9,
        "accuracy",
        f"{wanted:.4f} ({right} right out of {len(y_true)}) for labels drawn at random for this run",
        f"{seen:.4f}" if seen == seen else type_name(value),
        "that is the first example's answer, 9/13, again: compute the share from y_true and "
        "y_pred, float(np.mean(y_true == y_pred)), not a number typed in"
        if abs(seen - 9 / 13) < 1e-3
        else "the share of positions where y_true == y_pred: float(np.mean(y_true == y_pred))",
    )
    expect(
        type(value) is float,
        "accuracy",
        "a Python float, as the docstring says",
        f"{type_name(value)} {value!r}",
        "NumPy gives a NumPy number, from np.mean as from np.sum(...) / len(...) (NumPy 2 prints "
        "it as np.float64(0.69...) in a report or a notebook): wrap it, float(np.mean(y_true == y_pred))",
    )


def test_confusion_rows_are_true_digits(lesson, drawn):
    cm = np.asarray(call("confusion", lesson.confusion, Y_TRUE, Y_PRED))
    expect(
        cm.shape == (10, 10),
        "confusion",
        "shape (10, 10), all ten digits even though no 6 occurs",
        describe(cm),
        "labels= lists the digits the matrix has rows and columns for: all ten, "
        "labels=list(range(10)) (range(n) stops before n: range(9) is 0..8)"
        if cm.shape == (9, 9) and np.array_equal(cm, confusion_matrix(Y_TRUE, Y_PRED, labels=list(range(9))))
        else "confusion_matrix(y_true, y_pred, labels=list(range(10))): without labels= "
        "scikit-learn only lists the digits it sees",
    )
    expect(
        np.issubdtype(cm.dtype, np.integer),
        "confusion",
        "integer counts",
        describe(cm),
        "these are shares, not counts: normalize= divides every row by its total. Leave it "
        "out: confusion_matrix(y_true, y_pred, labels=list(range(10))) counts images"
        if cm.shape == (10, 10) and cm.size and np.nanmax(cm) <= 1 and not np.allclose(cm, np.round(cm))
        else "counts are whole numbers: .astype(int)",
    )
    expect(
        cm[4, 9] == 2 and cm[9, 4] == 1 and cm[7, 1] == 1,
        "confusion",
        "cm[4, 9] == 2 (two true 4s predicted as 9), cm[9, 4] == 1, cm[7, 1] == 1",
        f"cm[4, 9] == {cm[4, 9]}, cm[9, 4] == {cm[9, 4]}, cm[7, 1] == {cm[7, 1]}",
        "rows must be the true digits: pass y_true first, then y_pred (counting by hand, "
        "cm[t, p] += 1 for each pair t, p in zip(y_true, y_pred))"
        if cm[9, 4] == 2
        else "count (true, predicted) pairs",
    )
    expect(
        cm.sum() == len(Y_TRUE) and np.trace(cm) == 9,
        "confusion",
        "13 images in total, 9 on the diagonal",
        f"{cm.sum()} in total, {np.trace(cm)} on the diagonal",
        "use scikit-learn's confusion_matrix",
    )
    y_true, y_pred = drawn_labels(drawn)
    cm = np.asarray(call("confusion", lesson.confusion, y_true, y_pred))
    wanted = counted(y_true, y_pred)
    wrong = np.argwhere(cm != wanted) if cm.shape == (10, 10) else []
    expect(
        cm.shape == (10, 10) and not len(wrong),
        "confusion",
        f"the counts of the {len(y_true)} (true, predicted) pairs drawn at random for this run, "
        f"e.g. cm[{y_true[0]}, {y_pred[0]}] == {wanted[y_true[0], y_pred[0]]}",
        f"cm[{wrong[0][0]}, {wrong[0][1]}] == {cm[tuple(wrong[0])]} instead of {wanted[tuple(wrong[0])]}"
        if len(wrong) else describe(cm),
        "rows must be the true digits: pass y_true first, then y_pred"
        if cm.shape == (10, 10) and np.array_equal(cm, wanted.T)
        else "confusion_matrix(y_true, y_pred, labels=list(range(10))) counts them for you; "
        "do not return a table typed in",
    )


def heat_map_values(ax):
    """The numbers behind the heat map's colours (seaborn draws them as a mesh), as (10, 10)."""
    meshes = [np.asarray(collection.get_array(), dtype=float) for collection in ax.collections
              if collection.get_array() is not None and np.size(collection.get_array()) == 100]
    return meshes[0].reshape(10, 10) if meshes else None


def expect_cells_in_place(ax, cm, what):
    values = heat_map_values(ax)
    expect(
        values is not None and np.array_equal(values, cm),
        "plot_confusion",
        f"row t, column p of the heat map coloured by cm[t, p] for {what}: true digits down the "
        "side (y axis), predictions along the bottom (x axis)",
        "no heat map of 10 x 10 cells" if values is None
        else "the matrix transposed: row t shows column t of cm" if np.array_equal(values, cm.T)
        else "other values",
        "draw cm as it is, sns.heatmap(cm, ...): its rows are the true digits, which the y axis "
        "'true digit' promises; cm.T would put the predictions down the side",
    )


def test_plot_confusion_is_an_annotated_heatmap(lesson, reference, drawn):
    cm = reference("06").confusion(Y_TRUE, Y_PRED)
    cm[0, 0] = 1234  # a real test set has counts in the thousands
    figure = call("plot_confusion", lesson.plot_confusion, cm)
    expect(
        isinstance(figure, Figure),
        "plot_confusion",
        "a matplotlib Figure",
        type_name(figure),
        "figure, ax = plt.subplots(); sns.heatmap(cm, ..., ax=ax); return figure",
    )
    ax = figure.axes[0]
    numbers = [text.get_text() for text in ax.texts]
    expect(
        len(numbers) == 100 and numbers.count("2") == 1 and numbers.count("1234") == 1,
        "plot_confusion",
        "100 cells, each annotated with its count as a whole number (1234, not 1.2e+03)",
        f"{len(numbers)} annotations, e.g. {sorted(set(numbers), key=len)[-1]!r}"
        if numbers else "no annotations",
        "sns.heatmap(cm, annot=True, fmt='d', ax=ax): without fmt='d' seaborn writes big "
        "counts like 1.2e+03"
        if numbers
        else "annot=True writes each count in its cell (a heat map without it shows colours "
        "only): sns.heatmap(cm, annot=True, fmt='d', ax=ax)",
    )
    expect(
        ax.get_xlabel() == "predicted digit" and ax.get_ylabel() == "true digit",
        "plot_confusion",
        "x axis 'predicted digit', y axis 'true digit'",
        f"x axis {ax.get_xlabel()!r}, y axis {ax.get_ylabel()!r}",
        "ax.set_xlabel('predicted digit'); ax.set_ylabel('true digit')",
    )
    expect_cells_in_place(ax, cm, "the example (4s read as 9s twice, 9 as 4 once)")
    plt.close(figure)
    cm = drawn.integers(0, 40, size=(10, 10))
    cm[np.diag_indices(10)] = drawn.integers(200, 1500, size=10)
    figure = call("plot_confusion", lesson.plot_confusion, cm)
    ax = figure.axes[0] if isinstance(figure, Figure) and figure.axes else None
    numbers = sorted(text.get_text() for text in ax.texts) if ax is not None else []
    expect(
        numbers == sorted(str(count) for count in cm.ravel()),
        "plot_confusion",
        "each cell annotated with its own count for a matrix drawn at random for this run",
        f"{len(numbers)} annotations, not the 100 counts of this matrix",
        "draw the cm you are given: sns.heatmap(cm, annot=True, fmt='d', ax=ax)",
    )
    expect_cells_in_place(ax, cm, "a matrix drawn at random for this run")
    plt.close(figure)


SWAPPED_PAIR = (
    "true and predicted are swapped: cm[t, p] counts images of a true t read as p, so the "
    "row index is the true digit and the column index the prediction (cell [4, 9] is "
    "(true 4, predicted 9))"
)


def test_most_confused(lesson, reference, drawn):
    cm = reference("06").confusion(Y_TRUE, Y_PRED)
    cm[3, 3] = 50  # a big diagonal cell: right answers, not confusions
    # The big diagonal also tempts np.fill_diagonal(cm, 0), which would change the caller's
    # matrix: that call fails, as when graded (`untouched`).
    table = call("most_confused", lesson.most_confused, cm, k=3)
    expect(
        isinstance(table, pd.DataFrame) and list(table.columns) == ["true", "predicted", "count"],
        "most_confused",
        "a DataFrame with columns true, predicted, count",
        f"{type_name(table)} with columns {list(getattr(table, 'columns', []))}",
        "pd.DataFrame({'true': ..., 'predicted': ..., 'count': ...})",
    )
    rows = [tuple(int(v) for v in row) for row in table.to_numpy()]
    expect(
        len(rows) == 3 and rows[0] == (4, 9, 2),
        "most_confused",
        "3 rows, the first (true 4, predicted 9, count 2)",
        f"rows {rows}",
        "the diagonal counts correct answers: leave it out (true != predicted)"
        if any(t == p for t, p, _ in rows)
        else SWAPPED_PAIR
        if rows and rows[0] == (9, 4, 2)
        else "sort by count, largest first, and keep k rows",
    )
    expect(
        all(t != p for t, p, _ in rows) and sorted(rows[1:]) == [(7, 1, 1), (9, 4, 1)],
        "most_confused",
        "then (7, 1, 1) and (9, 4, 1): off-diagonal cells only",
        f"rows {rows}",
        "the diagonal counts correct answers: leave it out (true != predicted)",
    )
    expect(
        list(table.index) == [0, 1, 2],
        "most_confused",
        "a fresh index 0, 1, 2",
        f"index {list(table.index)}",
        ".reset_index(drop=True) after sorting",
    )
    # A matrix drawn for this run: 90 different mistake counts, and right answers above them all.
    cm = np.zeros((10, 10), dtype=int)
    off = ~np.eye(10, dtype=bool)
    cm[off] = drawn.choice(np.arange(1, 400), size=90, replace=False)
    cm[~off] = drawn.integers(400, 2000, size=10)
    k = int(drawn.integers(2, 9))
    table = call("most_confused", lesson.most_confused, cm, k=k)
    order = np.argsort(-cm[off], kind="stable")[:k]
    true, predicted = np.nonzero(off)
    wanted = [(int(true[i]), int(predicted[i]), int(cm[off][i])) for i in order]
    rows = [tuple(int(v) for v in row) for row in np.asarray(getattr(table, "values", []))]
    expect(
        rows == wanted,
        "most_confused",
        f"for a matrix drawn at random for this run and k={k}: the {k} largest off-diagonal "
        f"cells, largest first, starting {wanted[:2]}",
        f"rows {rows[:4]}{' ...' if len(rows) > 4 else ''}",
        "the diagonal counts correct answers: leave it out (true != predicted)"
        if any(t == p for t, p, *_ in rows)
        else SWAPPED_PAIR if rows and rows == [(p, t, c) for t, p, c in wanted]
        else f"return k rows (here {k}): .head(k)" if rows and rows == wanted[:len(rows)]
        else "find the pairs in the cm you are given, sorted by count, largest first",
    )


PRECISION_AND_RECALL = (
    "precision of digit d = right answers d / all images predicted as d (how often the answer 'd' "
    "is right); recall of d = right answers d / all images that truly show d (how many d's were found)"
)


def expect_precision_and_recall_in_place(report, y_true, y_pred, what):
    """Precision and recall each in its own column, not the other's (scikit-learn returns
    precision first; swapping y_true and y_pred swaps the two)."""
    columns = getattr(report, "columns", [])
    if "precision" not in columns or "recall" not in columns:
        return
    got = {name: np.asarray(report[name], dtype=float) for name in ("precision", "recall")}
    if any(values.shape != (10,) for values in got.values()):
        return
    precision, recall, _, _ = precision_recall_fscore_support(y_true, y_pred, labels=list(range(10)), zero_division=0)
    wanted = {"precision": precision, "recall": recall}
    if np.allclose(precision, recall):
        return  # nothing tells the two apart
    other = {"precision": "recall", "recall": "precision"}
    holds = {name: np.allclose(got[name], wanted[other[name]]) and not np.allclose(got[name], wanted[name])
             for name in got}
    if not any(holds.values()):
        return
    support = np.asarray(report["support"], dtype=float) if "support" in columns else None
    predictions_counted = support is not None and np.array_equal(support, np.bincount(y_pred, minlength=10))
    swapped = all(holds.values())
    shown = {name: rounded(values, 2) for name, values in {**wanted, **{f"your {k}": v for k, v in got.items()}}.items()}
    expect(
        False,
        "per_class_report",
        f"precision {shown['precision']} and recall {shown['recall']} {what}",
        f"precision {shown['your precision']} and recall {shown['your recall']}: "
        + ("the two are swapped" if swapped else
           f"your {'precision' if holds['precision'] else 'recall'} column holds each digit's "
           f"{'recall' if holds['precision'] else 'precision'}"),
        PRECISION_AND_RECALL + ". "
        + ("precision_recall_fscore_support(y_true, y_pred, ...): y_true comes first; with y_pred "
           "first, precision and recall trade places (and support counts the predictions)" if predictions_counted
           else "precision_recall_fscore_support returns precision first: "
           "precision, recall, f1, support = precision_recall_fscore_support(...)" if swapped
           else "precision divides by the images predicted as d, np.bincount(y_pred, minlength=10); "
           "recall by the images that truly show d, np.bincount(y_true, minlength=10)"),
    )


def test_per_class_report(lesson, drawn):
    report = call("per_class_report", lesson.per_class_report, Y_TRUE, Y_PRED)
    expect(
        isinstance(report, pd.DataFrame)
        and {"precision", "recall", "f1", "support"} <= set(report.columns),
        "per_class_report",
        "a DataFrame with columns precision, recall, f1, support",
        f"{type_name(report)} with columns {list(getattr(report, 'columns', []))}",
        "name the F1 column 'f1' ('f1-score' is classification_report's name, not this table's)"
        if {"f1-score", "f1_score"} & set(getattr(report, "columns", []))
        else "precision_recall_fscore_support(y_true, y_pred, labels=list(range(10)), zero_division=0)",
    )
    expect(
        list(report.index) == list(range(10)),
        "per_class_report",
        "one row per digit 0..9 (6 included, with support 0)",
        f"index {list(report.index)}",
        "pass labels=list(range(10)) and index the DataFrame by digit",
    )
    expect(
        report.index.name == "digit",
        "per_class_report",
        "an index named 'digit' (so the table prints, joins and plots by digit)",
        f"index named {report.index.name!r}",
        "index=pd.Index(range(10), name='digit')",
    )
    expect_precision_and_recall_in_place(report, Y_TRUE, Y_PRED, "for the example (three 4s, one found)")
    precision, recall, f1, support = precision_recall_fscore_support(
        Y_TRUE, Y_PRED, labels=list(range(10)), zero_division=0
    )
    wanted = pd.DataFrame({"precision": precision, "recall": recall, "f1": f1, "support": support})
    for column in wanted:
        got = report[column].to_numpy(dtype=float)
        expect(
            np.allclose(got, wanted[column].to_numpy(dtype=float)),
            "per_class_report",
            f"{column} {rounded(wanted[column].to_numpy(dtype=float), 2)}",
            f"{column} {rounded(got, 2)}",
            "support counts the images that truly show each digit: whole numbers, the fourth "
            "array precision_recall_fscore_support returns, as it is (not a share)"
            if column == "support"
            else "f1 is the harmonic mean of precision and recall, 2pr / (p + r), 0 where both are 0 "
            "(not their average): take the f1 precision_recall_fscore_support returns, its third array"
            if column == "f1"
            else "recall of digit 4 is 1/3 (one of three 4s found); precision of 9 is 1/3",
        )
    expect(
        pd.api.types.is_integer_dtype(report["support"]),
        "per_class_report",
        "support as whole numbers (an int column): it counts images",
        f"a {report['support'].dtype} column: {report['support'].tolist()[:4]} ...",
        "classification_report(..., output_dict=True) gives the support as floats: "
        "report['support'].astype(int), or take it from precision_recall_fscore_support",
    )
    y_true, y_pred = drawn_labels(drawn)
    report = call("per_class_report", lesson.per_class_report, y_true, y_pred)
    expect_precision_and_recall_in_place(report, y_true, y_pred, f"for {len(y_true)} labels drawn at random for this run")
    support = np.bincount(y_true, minlength=10)
    hits = np.bincount(y_true[y_true == y_pred], minlength=10)
    called = np.bincount(y_pred, minlength=10)
    wanted = {
        "support": support,
        "recall": np.divide(hits, support, out=np.zeros(10), where=support > 0),
        "precision": np.divide(hits, called, out=np.zeros(10), where=called > 0),
    }
    for column, values in wanted.items():
        got = np.asarray(report[column], dtype=float) if column in getattr(report, "columns", []) else None
        expect(
            got is not None and got.shape == (10,) and np.allclose(got, values),
            "per_class_report",
            f"{column} {rounded(values, 2)} for {len(y_true)} labels drawn at random for this run",
            f"{column} {rounded(got, 2)}" if got is not None else f"no {column} column",
            "compute the report from y_true and y_pred: precision_recall_fscore_support(y_true, "
            "y_pred, labels=list(range(10)), zero_division=0)",
        )
