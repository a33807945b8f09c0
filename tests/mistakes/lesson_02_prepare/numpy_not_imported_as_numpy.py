"""Wrote `numpy.asarray`, but the lesson imports NumPy as `np`: a NameError on the first call."""

CAUGHT_BY = "test_normalize_returns_float32_in_unit_range"
HINT = "defined or imported (import numpy as np)"


def normalize(images):
    return numpy.asarray(images, dtype=numpy.float32) / 255.0  # noqa: F821 - the mistake
