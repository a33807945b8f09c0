"""Turns support into each digit's share of the images instead of its count."""

CAUGHT_BY = "test_per_class_report"
HINT = "support counts the images that truly show each digit"

def per_class_report(y_true, y_pred):
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=DIGITS, zero_division=0)
    return pd.DataFrame({"precision": p, "recall": r, "f1": f, "support": s / s.sum()},
                        index=pd.Index(DIGITS, name="digit"))
