"""value_counts() without reindex, but the right counts for the examples that hold every
digit; no labels at all gives a table of no rows."""

CAUGHT_BY = "test_label_counts_of_no_labels"
HINT = "ten rows, one per digit, even when there are no labels"


def label_counts(y):
    counts = pd.Series(np.asarray(y, dtype=int)).value_counts().sort_index()
    total = max(len(y), 1)
    return pd.DataFrame({"digit": counts.index, "count": counts.to_numpy(), "share": counts.to_numpy() / total})
