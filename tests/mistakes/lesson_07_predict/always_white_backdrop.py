"""Composites every transparent canvas onto white: light strokes from a dark-mode app vanish."""

CAUGHT_BY = "test_read_image_puts_light_strokes_on_black"
HINT = "choose the backdrop from the strokes' own lightness"


def read_image(path):
    grey, alpha = open_picture(path)
    return np.round(grey * alpha + 255 * (1 - alpha)).astype(np.uint8)
