"""Divides by 255.0 and keeps NumPy's float64: twice the memory, not the spec."""

CAUGHT_BY = "test_normalize_returns_float32_in_unit_range"
HINT = 'gives float64'

def normalize(images):
    return images / 255.0
