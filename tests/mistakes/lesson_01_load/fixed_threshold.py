"""Compares with 128 written out, so the threshold argument changes nothing."""

CAUGHT_BY = "test_digit_as_text_uses_the_threshold"
HINT = "not with a fixed 128"


def digit_as_text(image, threshold=128):
    lines = []
    for row in image:
        lines.append("".join("#" if pixel >= 128 else "." for pixel in row))
    return "\n".join(lines)
