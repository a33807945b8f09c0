"""Builds the table with orient="index": one row per metric, one column per epoch."""

CAUGHT_BY = "test_history_frame"
HINT = "the table is on its side"


def history_frame(history):
    frame = pd.DataFrame.from_dict(history.history, orient="index")
    frame.columns = pd.RangeIndex(1, frame.shape[1] + 1, name="epoch")
    return frame
