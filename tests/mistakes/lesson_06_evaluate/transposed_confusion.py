"""Passes (y_pred, y_true): rows become predictions and every reading is flipped."""

CAUGHT_BY = "test_confusion_rows_are_true_digits"
HINT = 'rows must be the true digits'

def confusion(y_true, y_pred):
    return confusion_matrix(y_pred, y_true, labels=DIGITS)
