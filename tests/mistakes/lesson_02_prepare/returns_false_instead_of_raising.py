"""Prints the problem and returns False instead of raising: the caller trains anyway."""

CAUGHT_BY = "test_validate_shapes_names_the_mismatch"
HINT = "lets the caller go on as if all were well"


def validate_shapes(x, y):
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        print(f"x has {len(x)} images but y has {len(y)} labels")
        return False
    if x.shape[1:] not in {(28, 28), (28, 28, 1), (784,)}:
        print(f"images are {x.shape[1:]}, expected 28x28")
        return False
    if y.ndim != 1:
        print(f"labels must be one-dimensional, got shape {y.shape}")
        return False
    if y.size and (not np.all(np.mod(y, 1) == 0) or y.min() < 0 or y.max() > 9):
        print("labels must be 0..9")
        return False
