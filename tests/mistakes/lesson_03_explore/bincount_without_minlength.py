"""Counts with np.bincount(y) and no minlength: it stops at the largest label there is."""

CAUGHT_BY = "test_label_counts_table"
HINT = "np.bincount(y, minlength=10) always gives ten counts"


def label_counts(y):
    counts = np.bincount(np.asarray(y, dtype=int))
    total = max(len(y), 1)
    return pd.DataFrame({"digit": range(len(counts)), "count": counts, "share": counts / total})
