"""Divides with // (integer division): every pixel below 255 becomes 0."""

CAUGHT_BY = "test_normalize_returns_float32_in_unit_range"
HINT = "`//` is integer division"


def normalize(images):
    return (np.asarray(images) // 255).astype(np.float32)
