"""Builds the table from classification_report(..., output_dict=True): its numbers are right,
but the support comes as floats (3.0 images), where the docstring asks for whole numbers."""

CAUGHT_BY = "test_per_class_report"
HINT = "gives the support as floats"


def per_class_report(y_true, y_pred):
    from sklearn.metrics import classification_report

    table = pd.DataFrame(classification_report(y_true, y_pred, labels=DIGITS, output_dict=True,
                                               zero_division=0)).T
    report = table.loc[[str(d) for d in DIGITS], ["precision", "recall", "f1-score", "support"]]
    report = report.rename(columns={"f1-score": "f1"}).astype(float)
    report.index = pd.Index(DIGITS, name="digit")
    return report
