"""Keeps value_counts()' order (most frequent first) instead of digit order."""

CAUGHT_BY = "test_label_counts_table"
HINT = 'in digit order'

def label_counts(y):
    counts = pd.Series(y).value_counts().reindex(range(10), fill_value=0).sort_values(ascending=False, kind="stable")
    frame = pd.DataFrame({"digit": np.arange(10), "count": counts.to_numpy()})
    frame["share"] = frame["count"] / len(y)
    return frame
