"""Converted to float but never scaled: pixels stay in 0..255."""

CAUGHT_BY = "test_normalize_returns_float32_in_unit_range"
HINT = "did you divide by 255?"


def normalize(images):
    return np.asarray(images, dtype=np.float32)
