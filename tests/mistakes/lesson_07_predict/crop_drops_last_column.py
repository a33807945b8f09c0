"""Uses -1 to mean 'up to the end', which drops a stroke lying in the last column."""

CAUGHT_BY = "test_crop_to_ink_keeps_ink_on_the_edge"
HINT = "drop the last row or column"


def crop_to_ink(digit):
    rows, cols = np.nonzero(digit)
    bottom = rows.max() + 1 if rows.max() + 1 < digit.shape[0] else -1
    right = cols.max() + 1 if cols.max() + 1 < digit.shape[1] else -1
    return digit[rows.min(): bottom, cols.min(): right]
