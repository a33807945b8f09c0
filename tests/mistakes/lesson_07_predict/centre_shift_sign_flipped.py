"""Shifts by (x - 14, y - 14): the mass moves away from the centre instead of onto it."""

CAUGHT_BY = "test_centre_by_mass_puts_the_mass_at_14_14"
HINT = "shift by 14 - x and 14 - y"


def centre_by_mass(boxed):
    boxed = np.asarray(boxed, dtype=np.float32)
    height, width = boxed.shape
    frame = np.zeros((FRAME, FRAME), np.float32)
    top, left = (FRAME - height) // 2, (FRAME - width) // 2
    frame[top: top + height, left: left + width] = boxed
    m = cv2.moments(frame)
    x, y = m["m10"] / m["m00"], m["m01"] / m["m00"]
    frame = cv2.warpAffine(frame, np.float32([[1, 0, x - 14], [0, 1, y - 14]]), (FRAME, FRAME))
    return np.clip(frame, 0, 1)
