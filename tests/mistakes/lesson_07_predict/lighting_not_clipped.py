"""Subtracts and divides but never clips: the paper brighter than its estimate goes negative."""

CAUGHT_BY = "test_even_out_lighting_treats_sun_and_shade_alike"
HINT = "clip what falls below 0"


def even_out_lighting(ink):
    paper = paper_level(ink)
    return ((ink - paper) / (255 - paper) * 255).astype(np.float32)
