"""Never checks that y is one-dimensional: labels of shape (3, 1) pass (len and values are fine)."""

CAUGHT_BY = "test_validate_shapes_names_the_mismatch"
HINT = "check y.ndim == 1"


def validate_shapes(x, y):
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} images but y has {len(y)} labels")
    if x.shape[1:] not in {(28, 28), (28, 28, 1), (784,)}:
        raise ValueError(f"images are {x.shape[1:]}, expected 28x28")
    bad = y[(y < 0) | (y > 9) | (y % 1 != 0)]
    if bad.size:
        raise ValueError(f"labels must be 0..9, found {bad[0]}")
