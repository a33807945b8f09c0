"""Converted to float but never scaled, seen on a faint digit: the check that tells dividing by
255 from dividing by the brightest pixel must not blame the brightest pixel."""

CAUGHT_BY = "test_normalize_divides_by_255_not_by_the_batch_maximum"
HINT = "the pixels came back as they went in"


def normalize(images):
    return np.asarray(images, dtype=np.float32)
