"""Adds "\n" after every line, so the text ends with an empty 29th line."""

CAUGHT_BY = "test_digit_as_text_draws_ink_and_background"
HINT = "puts newlines only between lines"


def digit_as_text(image, threshold=128):
    text = ""
    for row in image:
        text += "".join("#" if pixel >= threshold else "." for pixel in row) + "\n"
    return text
