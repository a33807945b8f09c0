"""Checks the number of pixels per image instead of its shape: (n, 14, 56) has 784 too."""

CAUGHT_BY = "test_validate_shapes_names_the_mismatch"
HINT = "not the number of pixels"


def validate_shapes(x, y):
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} images but y has {len(y)} labels")
    if x[0].size != 784 or x.shape[1] == 1:
        raise ValueError(f"images are {x.shape[1:]}, expected 28x28")
    if y.ndim != 1:
        raise ValueError(f"labels must be one-dimensional, got shape {y.shape}")
    if y.size and (not np.all(np.mod(y, 1) == 0) or y.min() < 0 or y.max() > 9):
        bad = y[(y < 0) | (y > 9) | (np.mod(y, 1) != 0)][0]
        raise ValueError(f"labels must be 0..9, found {bad}")
