"""Judges the strokes' lightness by the mean of the whole picture: the black stored under a transparent canvas makes light strokes look dark."""

CAUGHT_BY = "test_read_image_puts_light_strokes_on_black"
HINT = "weighted by alpha"


def read_image(path):
    grey, alpha = open_picture(path)
    backdrop = 255 if grey.mean() < 128 else 0
    return np.round(grey * alpha + backdrop * (1 - alpha)).astype(np.uint8)
