"""Keeps pandas' default index: epoch 0, 1, 2 where people say 1, 2, 3."""

CAUGHT_BY = "test_history_frame"
HINT = 'epochs count from 1'

def history_frame(history):
    return pd.DataFrame(history.history)
