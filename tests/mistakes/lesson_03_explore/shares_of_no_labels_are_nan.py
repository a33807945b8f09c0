"""Divides by len(y) as it is: with no labels, 0 / 0 gives NaN shares."""

CAUGHT_BY = "test_label_counts_of_no_labels"
HINT = "divide by max(len(y), 1)"


def label_counts(y):
    counts = pd.Series(np.asarray(y)).value_counts().reindex(range(10), fill_value=0)
    frame = pd.DataFrame({"digit": np.arange(10), "count": counts.to_numpy().astype(int)})
    frame["share"] = frame["count"] / len(y)
    return frame
