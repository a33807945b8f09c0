"""value_counts() only lists digits that occur: a missing digit silently disappears."""

CAUGHT_BY = "test_label_counts_table"
HINT = 'reindex(range(10), fill_value=0)'

def label_counts(y):
    counts = pd.Series(y).value_counts().sort_index()
    frame = pd.DataFrame({"digit": counts.index, "count": counts.to_numpy()})
    frame["share"] = frame["count"] / len(y)
    return frame
