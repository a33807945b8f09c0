"""Divides in place, images /= 255: NumPy refuses to put floats into a uint8 array."""

CAUGHT_BY = "test_normalize_returns_float32_in_unit_range"
HINT = "images = images / 255.0 makes a new float array"


def normalize(images):
    images /= 255
    return images.astype(np.float32)
