"""Unpacks scikit-learn's answer in the order the lesson's prose happened to name them,
'recall and precision': recall, precision, f1, support = precision_recall_fscore_support(...).
Both columns hold numbers between 0 and 1, so nothing looks wrong."""

CAUGHT_BY = "test_per_class_report"
HINT = "the two are swapped"


def per_class_report(y_true, y_pred):
    recall, precision, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=DIGITS, zero_division=0
    )
    return pd.DataFrame(
        {"precision": precision, "recall": recall, "f1": f1, "support": support},
        index=pd.Index(DIGITS, name="digit"),
    )
