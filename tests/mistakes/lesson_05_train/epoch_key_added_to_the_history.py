"""Adds an "epoch" list to history.history to make the index from it: the History the caller
holds (and plot_history reads) now has a fifth, fake metric (an outside probe, 2026-12-04)."""

CAUGHT_BY = "test_history_frame"
HINT = "history.history unchanged"


def history_frame(history):
    numbers = history.history
    numbers["epoch"] = list(range(1, len(numbers["loss"]) + 1))
    return pd.DataFrame(numbers).set_index("epoch")
