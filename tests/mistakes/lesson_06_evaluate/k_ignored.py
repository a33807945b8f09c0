"""Always returns the five largest confusions (head() with its default), whatever k is."""

CAUGHT_BY = "test_most_confused"
HINT = "keep k rows"


def most_confused(cm, k=5):
    cm = np.asarray(cm)
    true, predicted = np.nonzero(~np.eye(len(cm), dtype=bool))
    pairs = pd.DataFrame({"true": true, "predicted": predicted, "count": cm[true, predicted]})
    return pairs.sort_values("count", ascending=False).head().reset_index(drop=True)
