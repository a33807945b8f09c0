"""Fills the missing digits with fillna(0) after reindexing: the counts turn into floats (2.0)."""

CAUGHT_BY = "test_label_counts_table"
HINT = "use .reindex(range(10), fill_value=0)"


def label_counts(y):
    counts = pd.Series(np.asarray(y)).value_counts().reindex(range(10)).fillna(0)
    frame = pd.DataFrame({"digit": np.arange(10), "count": counts.to_numpy()})
    frame["share"] = frame["count"] / max(len(y), 1)
    return frame
