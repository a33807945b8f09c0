"""Uses assert instead of raising ValueError (asserts vanish under python -O)."""

CAUGHT_BY = "test_validate_shapes_names_the_mismatch"
HINT = 'raise ValueError'

def validate_shapes(x, y):
    assert len(x) == len(y)
    assert x.shape[1:] in {(28, 28), (28, 28, 1), (784,)}
    assert np.all((y >= 0) & (y <= 9))
