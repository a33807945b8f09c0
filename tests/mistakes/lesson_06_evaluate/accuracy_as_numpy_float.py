"""Returns np.mean's NumPy float as it is, where the docstring asks for a Python float."""

CAUGHT_BY = "test_accuracy"
HINT = "wrap it, float(np.mean(y_true == y_pred))"

def accuracy(y_true, y_pred):
    return np.mean(y_true == y_pred)
