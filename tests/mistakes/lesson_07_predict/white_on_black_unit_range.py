"""Inverts into 0..1 (1 - picture / 255), as lesson 02 normalised: the later steps expect grey levels."""

CAUGHT_BY = "test_white_on_black_turns_dark_ink_white"
HINT = "stay in grey levels 0..255"


def white_on_black(picture):
    picture = np.asarray(picture, dtype=np.float32)
    if ink_is_dark(picture):
        return 1.0 - picture / 255.0
    return picture / 255.0
