"""Divides the count of right answers with //: 9 // 13 is 0."""

CAUGHT_BY = "test_accuracy"
HINT = "// is integer division"

def accuracy(y_true, y_pred):
    return (y_true == y_pred).sum() // len(y_true)
