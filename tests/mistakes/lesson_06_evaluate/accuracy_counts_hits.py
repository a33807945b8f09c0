"""Returns how many predictions are right (9) instead of the share (0.69)."""

CAUGHT_BY = "test_accuracy"
HINT = "the share of positions where y_true == y_pred"


def accuracy(y_true, y_pred):
    return float(np.sum(np.asarray(y_true) == np.asarray(y_pred)))
