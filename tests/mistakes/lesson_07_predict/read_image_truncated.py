"""Ends with .astype(np.uint8) straight away: the blend's fractions are cut off, so a soft
stroke edge of 127.9 becomes 127 (the spec says: round to uint8)."""

CAUGHT_BY = "test_read_image_rounds_the_blend"
HINT = "round first"


def read_image(path):
    grey, alpha = open_picture(path)
    weight = alpha.sum()
    strokes = (grey * alpha).sum() / weight if weight > 0 else 0.0
    backdrop = 255.0 if strokes < 128 else 0.0
    return (grey * alpha + backdrop * (1 - alpha)).astype(np.uint8)
