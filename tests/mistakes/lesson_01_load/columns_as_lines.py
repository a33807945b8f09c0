"""Walks the image column by column (image.T), so the digit comes out on its side."""

CAUGHT_BY = "test_digit_as_text_draws_ink_and_background"
HINT = "loop over the rows"


def digit_as_text(image, threshold=128):
    lines = []
    for column in image.T:
        lines.append("".join("#" if pixel >= threshold else "." for pixel in column))
    return "\n".join(lines)
