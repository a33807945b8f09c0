"""Returns a percentage (69.2) where the spec asks for a share (0.692)."""

CAUGHT_BY = "test_accuracy"
HINT = 'not a percentage'

def accuracy(y_true, y_pred):
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)) * 100)
