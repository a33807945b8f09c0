"""Divides by the room the ink had but forgets to multiply by 255: sun and shade are even,
on a 0..1 scale where the next step's MIN_CONTRAST (20 grey levels) finds no ink at all."""

CAUGHT_BY = "test_even_out_lighting_treats_sun_and_shade_alike"
HINT = "multiply by 255 to stay in grey levels"


def even_out_lighting(ink):
    paper = paper_level(ink)
    return np.clip((ink - paper) / np.maximum(255 - paper, 16), 0, None).astype(np.float32)
