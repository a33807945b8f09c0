"""Reads cv2.boundingRect's (x, y, w, h) as (row, column, height, width): the crop is
transposed, (9, 8) where the ink's box is (8, 9)."""

CAUGHT_BY = "test_crop_to_ink_cuts_to_the_bounding_box"
HINT = "cv2.boundingRect returns (x, y, w, h)"


def crop_to_ink(digit):
    y, x, h, w = cv2.boundingRect(digit.astype(np.uint8))
    return digit[y:y + h, x:x + w]
