"""Prints the picture instead of returning it (the docstring asks for a str)."""

CAUGHT_BY = "test_digit_as_text_draws_ink_and_background"
HINT = "forget the `return`"


def digit_as_text(image, threshold=128):
    for row in image:
        print("".join("#" if pixel >= threshold else "." for pixel in row))
