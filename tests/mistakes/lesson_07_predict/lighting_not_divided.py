"""Subtracts the paper but forgets that light multiplies: the stroke is half as strong in the shade."""

CAUGHT_BY = "test_even_out_lighting_treats_sun_and_shade_alike"
HINT = "light multiplies"


def even_out_lighting(ink):
    return np.clip(np.asarray(ink, dtype=np.float32) - paper_level(ink), 0, None).astype(np.float32)
