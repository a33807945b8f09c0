"""Divides with // (integer division): the faint-digit check must say so, not warn about images.max()."""

CAUGHT_BY = "test_normalize_divides_by_255_not_by_the_batch_maximum"
HINT = "`//` is integer division"


def normalize(images):
    return (np.asarray(images) // 255).astype(np.float32)
