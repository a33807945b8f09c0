"""Reads the cell cm[t, p] as (true p, predicted t): true and predicted trade places."""

CAUGHT_BY = "test_most_confused"
HINT = "true and predicted are swapped"

def most_confused(cm, k=5):
    rows = [(p, t, int(cm[t, p])) for t in range(10) for p in range(10) if t != p]
    frame = pd.DataFrame(rows, columns=["true", "predicted", "count"])
    return frame.sort_values("count", ascending=False).head(k).reset_index(drop=True)
