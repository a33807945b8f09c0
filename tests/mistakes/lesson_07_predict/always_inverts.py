"""Always inverts ("photos are dark on light"): chalk on a board becomes a dark stroke on white."""

CAUGHT_BY = "test_white_on_black_keeps_light_ink"
HINT = "only turn the picture over when ink_is_dark"


def white_on_black(picture):
    return 255.0 - np.asarray(picture, dtype=np.float32)
