"""Writes `if ink_is_dark:` without calling it: a function is always true, so every picture is inverted."""

CAUGHT_BY = "test_white_on_black_keeps_light_ink"
HINT = "only turn the picture over when ink_is_dark(picture) is True"


def white_on_black(picture):
    picture = np.asarray(picture, dtype=np.float32)
    if ink_is_dark:
        return 255.0 - picture
    return picture
