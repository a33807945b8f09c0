"""Returns the blended float array, forgetting the uint8 the docstring promises."""

CAUGHT_BY = "test_read_image_puts_dark_strokes_on_white"
HINT = "astype(np.uint8)"


def read_image(path):
    grey, alpha = open_picture(path)
    strokes = (grey * alpha).sum() / alpha.sum()
    backdrop = 255.0 if strokes < 128 else 0.0
    return grey * alpha + backdrop * (1 - alpha)
