"""Rounds the shift to whole pixels before moving the digit ("pixels are whole"): the mass
lands up to half a pixel off the centre, where warpAffine would move it exactly."""

CAUGHT_BY = "test_centre_by_mass_puts_the_mass_at_14_14"
HINT = "keep the shift's fractions"


def centre_by_mass(boxed):
    boxed = np.asarray(boxed, dtype=np.float32)
    height, width = boxed.shape
    frame = np.zeros((FRAME, FRAME), np.float32)
    top, left = (FRAME - height) // 2, (FRAME - width) // 2
    frame[top: top + height, left: left + width] = boxed
    m = cv2.moments(frame)
    dx, dy = round(FRAME / 2 - m["m10"] / m["m00"]), round(FRAME / 2 - m["m01"] / m["m00"])
    frame = cv2.warpAffine(frame, np.float32([[1, 0, dx], [0, 1, dy]]), (FRAME, FRAME))
    return np.clip(frame, 0.0, 1.0)
