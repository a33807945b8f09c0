"""Counts into np.zeros(10), which is float: the counts come out as 2.0, 0.0, ..."""

CAUGHT_BY = "test_label_counts_table"
HINT = "np.zeros(10, dtype=int) is not"


def label_counts(y):
    counts = np.zeros(10)
    for label in y:
        counts[int(label)] += 1
    total = max(len(y), 1)
    return pd.DataFrame({"digit": range(10), "count": counts, "share": counts / total})
