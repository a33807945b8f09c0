"""Ranks all cells: the big diagonal (correct answers) tops the "confusions"."""

CAUGHT_BY = "test_most_confused"
HINT = 'leave it out'

def most_confused(cm, k=5):
    cm = np.asarray(cm)
    true, predicted = np.indices(cm.shape).reshape(2, -1)
    pairs = pd.DataFrame({"true": true, "predicted": predicted, "count": cm[true, predicted]})
    return pairs.sort_values("count", ascending=False, kind="stable").head(k).reset_index(drop=True)
