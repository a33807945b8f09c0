"""pd.RangeIndex(1, n) for n epochs: the stop is left out, so the index is one label short and
pandas refuses the table."""

CAUGHT_BY = "test_history_frame"
HINT = "pd.RangeIndex(1, n + 1)"


def history_frame(history):
    n = len(history.history["loss"])
    return pd.DataFrame(history.history, index=pd.RangeIndex(1, n, name="epoch"))
