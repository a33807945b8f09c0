"""Returns the crop of the check's first example, rows 2..9 and columns 3..11, whatever the
digit: a slice typed in instead of worked out from np.nonzero."""

CAUGHT_BY = "test_crop_to_ink_cuts_to_the_bounding_box"
HINT = "crop the digit you are given"


def crop_to_ink(digit):
    return digit[2:10, 3:12]
