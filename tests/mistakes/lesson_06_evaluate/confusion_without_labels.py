"""Omits labels=: a digit absent from the data vanishes and the matrix shrinks."""

CAUGHT_BY = "test_confusion_rows_are_true_digits"
HINT = 'without labels= scikit-learn only lists the digits it sees'

def confusion(y_true, y_pred):
    return confusion_matrix(y_true, y_pred)
