"""Lesson 06 · Evaluate the model.

Accuracy is one number; it hides *which* digits the model confuses. A confusion matrix
counts, for every true digit (row) and every predicted digit (column), how often that
happened: the diagonal is what the model got right, everything else is a mistake worth
looking at (4s read as 9s, 7s as 2s...). Precision, recall and F1 per digit tell the same
story digit by digit.

We evaluate on the *test* set, which played no part in training or in choosing when to
stop, so the numbers estimate how the model does on digits it has never seen.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

DIGITS = list(range(10))


def predict_labels(model, x):
    """Predict a digit for every image.

    Args:
        model: a trained Keras model with a 10-way output.
        x: images, shape (n, 28, 28), float32 in [0, 1].

    Returns:
        int array of shape (n,): for each image, the index of its highest output score.

    Example:
        >>> predict_labels(model, x_test[:3])
        array([7, 2, 1])
    """
    # BEGIN SOLUTION
    scores = model.predict(x, verbose=0)
    return np.argmax(scores, axis=1).astype(int)
    # END SOLUTION


def accuracy(y_true, y_pred):
    """Share of predictions that are right.

    Args:
        y_true: true labels, shape (n,).
        y_pred: predicted labels, shape (n,).

    Returns:
        A Python float between 0.0 and 1.0 (not a percentage).

    Example:
        >>> accuracy(np.array([1, 2, 3, 4]), np.array([1, 2, 3, 0]))
        0.75
    """
    # BEGIN SOLUTION
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))
    # END SOLUTION


def confusion(y_true, y_pred):
    """Count every (true digit, predicted digit) pair with scikit-learn's `confusion_matrix`.

    Args:
        y_true: true labels, shape (n,).
        y_pred: predicted labels, shape (n,).

    Returns:
        int array of shape (10, 10): entry `[t, p]` counts images whose true digit is `t`
        and whose prediction is `p`. Rows are true digits, columns predictions, and all
        ten digits are present even when a digit never occurs.

    Example:
        >>> confusion(np.array([4, 4, 9]), np.array([4, 9, 9]))[4, 9]
        1
    """
    # BEGIN SOLUTION
    return confusion_matrix(y_true, y_pred, labels=DIGITS).astype(int)
    # END SOLUTION


def plot_confusion(cm):
    """Draw a confusion matrix as an annotated seaborn heatmap.

    Args:
        cm: (10, 10) int array from `confusion`.

    Returns:
        A matplotlib Figure with the heatmap: each cell annotated with its count, x axis
        labelled "predicted digit", y axis labelled "true digit".
    """
    # BEGIN SOLUTION
    figure, ax = plt.subplots(figsize=(7.5, 6), layout="constrained")
    sns.heatmap(cm, annot=True, fmt="d", cmap="Blues", cbar=False, ax=ax, square=True)
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.set_title("Confusion matrix")
    return figure
    # END SOLUTION


def most_confused(cm, k=5):
    """The `k` most frequent mistakes in a confusion matrix.

    Args:
        cm: (10, 10) int array from `confusion` (rows true, columns predicted).
        k: how many pairs to return.

    Returns:
        A pandas DataFrame with columns `true`, `predicted`, `count`: the `k` largest
        off-diagonal cells (correct predictions are not confusions), largest count first,
        index 0..k-1.

    Example:
        >>> most_confused(cm, k=1)
           true  predicted  count
        0     4          9     12
    """
    # BEGIN SOLUTION
    cm = np.asarray(cm)
    true, predicted = np.nonzero(~np.eye(len(cm), dtype=bool))
    pairs = pd.DataFrame({"true": true, "predicted": predicted, "count": cm[true, predicted]})
    pairs = pairs.sort_values("count", ascending=False, kind="stable")
    return pairs.head(k).reset_index(drop=True)
    # END SOLUTION


def per_class_report(y_true, y_pred):
    """Precision, recall, F1 and support for every digit.

    Args:
        y_true: true labels, shape (n,).
        y_pred: predicted labels, shape (n,).

    Returns:
        A pandas DataFrame indexed by digit 0..9 (index named "digit") with columns
        `precision`, `recall`, `f1` (floats in [0, 1]; 0.0 where undefined) and `support`
        (int: how many images truly show that digit).

    Example:
        >>> per_class_report(y_test, y_pred).loc[1, "recall"]
        0.99
    """
    # BEGIN SOLUTION
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=DIGITS, zero_division=0
    )
    report = pd.DataFrame(
        {"precision": precision, "recall": recall, "f1": f1, "support": support.astype(int)},
        index=pd.Index(DIGITS, name="digit"),
    )
    return report
    # END SOLUTION
