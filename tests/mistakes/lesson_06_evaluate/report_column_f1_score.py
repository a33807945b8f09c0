"""Names the F1 column 'f1-score', as scikit-learn's classification_report does."""

CAUGHT_BY = "test_per_class_report"
HINT = "name the F1 column 'f1'"

def per_class_report(y_true, y_pred):
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=DIGITS, zero_division=0)
    return pd.DataFrame({"precision": p, "recall": r, "f1-score": f, "support": s},
                        index=pd.Index(DIGITS, name="digit"))
