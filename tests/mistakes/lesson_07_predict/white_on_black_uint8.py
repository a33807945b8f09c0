"""Inverts the uint8 picture as it is: right values, but uint8 where float32 was asked for."""

CAUGHT_BY = "test_white_on_black_turns_dark_ink_white"
HINT = "np.asarray(picture, dtype=np.float32) first"


def white_on_black(picture):
    if ink_is_dark(picture):
        return 255 - picture
    return picture
