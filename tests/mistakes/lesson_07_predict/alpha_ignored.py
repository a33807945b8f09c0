"""Ignores the alpha channel: a transparent canvas stores black under its strokes, so dark strokes vanish."""

CAUGHT_BY = "test_read_image_puts_dark_strokes_on_white"
HINT = "the transparent pixels store black"


def read_image(path):
    grey, alpha = open_picture(path)
    return np.round(grey).astype(np.uint8)
