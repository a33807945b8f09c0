"""F1 as the plain average of precision and recall: right where both agree, too high where they
differ (digit 4: precision 1, recall 1/3 gives 0.67, not 0.5). Its hint spoke of recall and
precision only (an outside probe, 2026-12-04)."""

CAUGHT_BY = "test_per_class_report"
HINT = "harmonic mean of precision and recall"


def per_class_report(y_true, y_pred):
    precision, recall, _, support = precision_recall_fscore_support(
        y_true, y_pred, labels=list(range(10)), zero_division=0
    )
    return pd.DataFrame(
        {"precision": precision, "recall": recall, "f1": (precision + recall) / 2, "support": support},
        index=pd.Index(range(10), name="digit"),
    )
