"""Draws the background as spaces, which looks nicer but is not what the spec asks for."""

CAUGHT_BY = "test_digit_as_text_draws_ink_and_background"
HINT = "'#' for a pixel at or above the threshold and '.' for any other"


def digit_as_text(image, threshold=128):
    lines = []
    for row in image:
        lines.append("".join("#" if pixel >= threshold else " " for pixel in row))
    return "\n".join(lines)
