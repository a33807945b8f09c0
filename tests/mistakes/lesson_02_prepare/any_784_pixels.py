"""Accepts any image layout of 784 pixels (np.prod(x.shape[1:]) == 784): channels first,
(n, 1, 28, 28), passes, and lesson 08's Conv2D then reads the images wrongly."""

CAUGHT_BY = "test_validate_shapes_names_the_mismatch"
HINT = "channels first"


def validate_shapes(x, y):
    x = np.asarray(x)
    y = np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} images but y has {len(y)} labels")
    if np.prod(x.shape[1:]) != 784:
        raise ValueError(f"images are {x.shape[1:]}, expected 28x28")
    if y.ndim != 1:
        raise ValueError(f"labels must be one-dimensional, got shape {y.shape}")
    if y.size and (not np.all(np.mod(y, 1) == 0) or y.min() < 0 or y.max() > 9):
        bad = y[(y < 0) | (y > 9) | (np.mod(y, 1) != 0)][0]
        raise ValueError(f"labels must be 0..9, found {bad}")
