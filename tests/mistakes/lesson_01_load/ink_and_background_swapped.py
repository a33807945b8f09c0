"""Draws '.' for ink and '#' for the background: the picture comes out as its negative."""

CAUGHT_BY = "test_digit_as_text_draws_ink_and_background"
HINT = "'#' is for ink"


def digit_as_text(image, threshold=128):
    return "\n".join("".join("." if pixel >= threshold else "#" for pixel in row) for row in image)
