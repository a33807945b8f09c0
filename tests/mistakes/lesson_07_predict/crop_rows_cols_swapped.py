"""Reads np.nonzero as (x, y): uses the columns to cut rows and the rows to cut columns."""

CAUGHT_BY = "test_crop_to_ink_cuts_to_the_bounding_box"
HINT = "rows come first"


def crop_to_ink(digit):
    xs, ys = np.nonzero(digit)
    return digit[ys.min(): ys.max() + 1, xs.min(): xs.max() + 1]
