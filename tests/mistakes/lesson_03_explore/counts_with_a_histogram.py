"""Counts the labels with np.histogram(y, bins=10): its bins run from the smallest label seen
to the largest, so they line up with the digits only when both 0 and 9 occur."""

CAUGHT_BY = "test_label_counts_table"
HINT = "np.histogram(y, bins=10) spreads its ten bins"


def label_counts(y):
    counts, _ = np.histogram(y, bins=10)
    total = max(len(y), 1)
    return pd.DataFrame({"digit": range(10), "count": counts, "share": counts / total})
