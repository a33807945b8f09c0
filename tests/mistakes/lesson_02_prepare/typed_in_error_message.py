"""Copies the docstring's example message instead of saying what it found."""

CAUGHT_BY = "test_validate_shapes_names_a_drawn_mismatch"
HINT = "put the numbers you found in the message"


def validate_shapes(x, y):
    x = np.asarray(x)
    y = np.asarray(y)
    if len(x) != len(y):
        raise ValueError("x has 100 images but y has 99 labels")
    if x.shape[1:] not in {(28, 28), (28, 28, 1), (784,)}:
        raise ValueError(f"images are {x.shape[1:]}, expected 28x28")
    if y.ndim != 1:
        raise ValueError(f"labels must be one-dimensional, got shape {y.shape}")
    if y.size and (not np.all(np.mod(y, 1) == 0) or y.min() < 0 or y.max() > 9):
        bad = y[(y < 0) | (y > 9) | (np.mod(y, 1) != 0)][0]
        raise ValueError(f"labels must be 0..9, found {bad}")
