"""Passes the predictions first: precision_recall_fscore_support(y_pred, y_true, ...). The
library takes the first argument as the truth, so precision and recall trade places and the
support counts the predictions."""

CAUGHT_BY = "test_per_class_report"
HINT = "y_true comes first"


def per_class_report(y_true, y_pred):
    precision, recall, f1, support = precision_recall_fscore_support(
        y_pred, y_true, labels=DIGITS, zero_division=0
    )
    return pd.DataFrame(
        {"precision": precision, "recall": recall, "f1": f1, "support": support},
        index=pd.Index(DIGITS, name="digit"),
    )
