"""Counts the right answers with np.sum and divides by len: right value, but a NumPy float
where the docstring asks for a Python float (the hint must not blame np.mean, not used here)."""

CAUGHT_BY = "test_accuracy"
HINT = "from np.sum(...) / len(...)"

def accuracy(y_true, y_pred):
    return np.sum(y_true == y_pred) / len(y_true)
