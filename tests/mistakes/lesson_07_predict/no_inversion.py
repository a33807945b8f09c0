"""Never inverts: dark ink on light paper stays dark, the opposite of MNIST's white on black."""

CAUGHT_BY = "test_white_on_black_turns_dark_ink_white"
HINT = "return 255 - picture"


def white_on_black(picture):
    return np.asarray(picture, dtype=np.float32)
