"""Passes the History object itself to pandas instead of its dict, history.history."""

CAUGHT_BY = "test_history_frame"
HINT = "pd.DataFrame(history.history)"


def history_frame(history):
    frame = pd.DataFrame(history)
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="epoch")
    return frame
