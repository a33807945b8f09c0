"""Turned the counts into a Python list, then called a NumPy method on it."""

CAUGHT_BY = "test_label_counts_table"
HINT = "a list has no .shape"


def label_counts(y):
    counts = pd.Series(np.asarray(y)).value_counts().reindex(range(10), fill_value=0).to_list()
    frame = pd.DataFrame({"digit": np.arange(10), "count": counts.astype(int)})
    frame["share"] = frame["count"] / max(len(y), 1)
    return frame
