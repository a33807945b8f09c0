"""Numbers the epochs from 1 but leaves the index unnamed."""

CAUGHT_BY = "test_history_frame"
HINT = "the name is missing"


def history_frame(history):
    frame = pd.DataFrame(history.history)
    frame.index = range(1, len(frame) + 1)
    return frame
