"""Walks the image column by column (image.T) but compares with the threshold argument: the
threshold check must blame the swapped rows and columns, not a fixed 128."""

CAUGHT_BY = "test_digit_as_text_uses_the_threshold"
HINT = "rows and columns are swapped"


def digit_as_text(image, threshold=128):
    return "\n".join("".join("#" if pixel >= threshold else "." for pixel in column) for column in image.T)
