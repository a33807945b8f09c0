"""Returns how many predictions are right, not their share: (y_true == y_pred).sum() is an
integer count (found by a beginner walk-through: the message only said "expected a float")."""

CAUGHT_BY = "test_accuracy"
HINT = "that counts the right answers"


def accuracy(y_true, y_pred):
    return (np.asarray(y_true) == np.asarray(y_pred)).sum()
