"""Slices up to rows.max() and cols.max(), forgetting that a slice stops before its end."""

CAUGHT_BY = "test_crop_to_ink_cuts_to_the_bounding_box"
HINT = "a slice stops before its end"


def crop_to_ink(digit):
    rows, cols = np.nonzero(digit)
    return digit[rows.min(): rows.max(), cols.min(): cols.max()]
