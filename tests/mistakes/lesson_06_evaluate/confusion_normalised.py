"""Passes normalize="true": every row divided by its total, shares instead of counts."""

CAUGHT_BY = "test_confusion_rows_are_true_digits"
HINT = "these are shares, not counts"

def confusion(y_true, y_pred):
    return confusion_matrix(y_true, y_pred, labels=DIGITS, normalize="true")
