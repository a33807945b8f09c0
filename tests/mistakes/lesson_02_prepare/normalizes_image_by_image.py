"""Normalises image by image in a list comprehension: a list of arrays, not one array."""

CAUGHT_BY = "test_normalize_returns_float32_in_unit_range"
HINT = "divide the whole array at once, images / 255.0"


def normalize(images):
    return [(image / 255).astype(np.float32) for image in images]
