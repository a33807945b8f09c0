"""Subtracts in place to find the right answers (y_pred -= y_true, right where 0): the share is
right, but the caller's predictions are now differences, and the confusion matrix made from them
next is nonsense."""

CAUGHT_BY = "test_accuracy"
HINT = "work on a new value instead of changing the caller's in place"

def accuracy(y_true, y_pred):
    y_pred -= y_true
    return float(np.mean(y_pred == 0))
