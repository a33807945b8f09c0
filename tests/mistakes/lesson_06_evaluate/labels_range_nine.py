"""labels=range(9): range stops before its end, so digit 9 has no row or column. Its hint said
"without labels= scikit-learn only lists the digits it sees", though labels= was given (an
outside probe, 2026-12-04)."""

CAUGHT_BY = "test_confusion_rows_are_true_digits"
HINT = "range(9) is 0..8"


def confusion(y_true, y_pred):
    return confusion_matrix(y_true, y_pred, labels=list(range(9)))
