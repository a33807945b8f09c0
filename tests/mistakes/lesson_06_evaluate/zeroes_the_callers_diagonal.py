"""Zeroes the diagonal in place to skip correct answers: the caller's matrix loses them."""

CAUGHT_BY = "test_most_confused"
HINT = "work on cm.copy()"


def most_confused(cm, k=5):
    np.fill_diagonal(cm, 0)
    true, predicted = np.unravel_index(np.argsort(-cm, axis=None, kind="stable"), cm.shape)
    pairs = pd.DataFrame({"true": true, "predicted": predicted, "count": cm[true, predicted]})
    return pairs.head(k).reset_index(drop=True)
