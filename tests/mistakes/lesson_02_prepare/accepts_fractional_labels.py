"""Checks the label range only: 3.5 is between 0 and 9, so it passes (the guide says: whole numbers)."""

CAUGHT_BY = "test_validate_shapes_names_the_mismatch"
HINT = "a label must be a whole number"


def validate_shapes(x, y):
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} images but y has {len(y)} labels")
    if x.shape[1:] not in {(28, 28), (28, 28, 1), (784,)}:
        raise ValueError(f"images are {x.shape[1:]}, expected 28x28")
    if y.ndim != 1:
        raise ValueError(f"labels must be one-dimensional, got shape {y.shape}")
    if y.min() < 0 or y.max() > 9:
        raise ValueError(f"labels must be 0..9, found {y[(y < 0) | (y > 9)][0]}")
