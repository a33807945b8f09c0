"""Sorts the labels in place before counting (y.sort()): the counts are right, but the caller's
labels are now in another order than their images, so every pair after it is wrong. Passed every
check in the learner's loop and failed the same check when graded, until the checks held the
learner's functions to the grader's rule (untouched.py)."""

CAUGHT_BY = "test_label_counts_table"
HINT = "changed the ndarray it was given as its argument 1"

def label_counts(y):
    y.sort()
    counts = pd.Series(y).value_counts(sort=False).reindex(range(10), fill_value=0)
    frame = pd.DataFrame({"digit": np.arange(10), "count": counts.to_numpy().astype(int)})
    frame["share"] = frame["count"] / max(len(y), 1)
    return frame
