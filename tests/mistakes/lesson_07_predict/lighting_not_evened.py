"""Skips the paper estimate and just stretches the ink: a shadow stays as bright as ink."""

CAUGHT_BY = "test_even_out_lighting_treats_sun_and_shade_alike"
HINT = "subtract paper_level(ink)"


def even_out_lighting(ink):
    ink = np.asarray(ink, dtype=np.float32)
    return (ink - ink.min()).astype(np.float32)
