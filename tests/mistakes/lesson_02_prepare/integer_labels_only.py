"""Refuses labels stored as floats (y.dtype must be an integer), though 0.0 .. 9.0 are whole
numbers: the docstring asks for whole numbers, not for an integer dtype."""

CAUGHT_BY = "test_validate_shapes_accepts_good_data"
HINT = "whole numbers stored as floats"


def validate_shapes(x, y):
    x = np.asarray(x)
    y = np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} images but y has {len(y)} labels")
    if x.shape[1:] not in {(28, 28), (28, 28, 1), (784,)}:
        raise ValueError(f"images are {x.shape[1:]}, expected 28x28")
    if y.ndim != 1:
        raise ValueError(f"labels must be one-dimensional, got shape {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"labels must be integers, got {y.dtype}")
    if y.size and (y.min() < 0 or y.max() > 9):
        raise ValueError(f"labels must be 0..9, found {y[(y < 0) | (y > 9)][0]}")
