"""Counts the pairs by hand into cm[p, t]: predictions become the rows."""

CAUGHT_BY = "test_confusion_rows_are_true_digits"
HINT = "cm[t, p] += 1"

def confusion(y_true, y_pred):
    cm = np.zeros((10, 10), dtype=int)
    for t, p in zip(y_true, y_pred):
        cm[p, t] += 1
    return cm
