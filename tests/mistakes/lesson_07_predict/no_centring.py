"""Pastes the digit in the middle of the frame (its bounding box centred) but never moves its mass."""

CAUGHT_BY = "test_centre_by_mass_puts_the_mass_at_14_14"
HINT = "you centred the bounding box"


def centre_by_mass(boxed):
    boxed = np.asarray(boxed, dtype=np.float32)
    height, width = boxed.shape
    frame = np.zeros((FRAME, FRAME), np.float32)
    top, left = (FRAME - height) // 2, (FRAME - width) // 2
    frame[top: top + height, left: left + width] = boxed
    return frame
