"""Computes the columns by hand and divides the right answers by how many images truly show
each digit for both: the precision column holds the recall."""

CAUGHT_BY = "test_per_class_report"
HINT = "your precision column holds each digit's recall"


def per_class_report(y_true, y_pred):
    support = np.bincount(y_true, minlength=10)
    hits = np.bincount(y_true[y_true == y_pred], minlength=10)
    recall = np.divide(hits, support, out=np.zeros(10), where=support > 0)
    precision = recall
    both = precision + recall
    f1 = np.divide(2 * precision * recall, both, out=np.zeros(10), where=both > 0)
    return pd.DataFrame(
        {"precision": precision, "recall": recall, "f1": f1, "support": support},
        index=pd.Index(DIGITS, name="digit"),
    )
