"""Returns the list of 28 lines instead of one string joined with newlines."""

CAUGHT_BY = "test_digit_as_text_draws_ink_and_background"
HINT = "not the list of lines"


def digit_as_text(image, threshold=128):
    lines = []
    for row in image:
        lines.append("".join("#" if pixel >= threshold else "." for pixel in row))
    return lines
