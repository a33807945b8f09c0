"""Indexes the report by 0..9 but leaves the index unnamed."""

CAUGHT_BY = "test_per_class_report"
HINT = "name='digit'"


def per_class_report(y_true, y_pred):
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=DIGITS, zero_division=0
    )
    return pd.DataFrame({"precision": precision, "recall": recall, "f1": f1, "support": support})
