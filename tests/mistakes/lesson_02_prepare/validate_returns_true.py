"""Returns True when all is well, as a yes/no check would (the spec says: return None)."""

CAUGHT_BY = "test_validate_shapes_accepts_good_data"
HINT = "otherwise return nothing"

_reference_validate_shapes = validate_shapes


def validate_shapes(x, y):
    _reference_validate_shapes(x, y)
    return True
