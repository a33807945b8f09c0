"""Uses > instead of >=: a pixel exactly at the threshold is drawn as background."""

CAUGHT_BY = "test_digit_as_text_draws_ink_and_background"
HINT = "at least the threshold counts as ink"


def digit_as_text(image, threshold=128):
    lines = []
    for row in image:
        lines.append("".join("#" if pixel > threshold else "." for pixel in row))
    return "\n".join(lines)
