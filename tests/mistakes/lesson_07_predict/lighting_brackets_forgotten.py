"""Forgets the brackets, `ink - paper / room * 255`: Python divides before it subtracts, so
only the paper is divided, and the shade keeps its darker ink."""

CAUGHT_BY = "test_even_out_lighting_treats_sun_and_shade_alike"
HINT = "Python divides before it subtracts"


def even_out_lighting(ink):
    paper = paper_level(ink)
    room = np.maximum(255.0 - paper, 16.0)
    signal = np.asarray(ink, dtype=np.float32) - paper / room * 255.0
    return np.clip(signal, 0, None).astype(np.float32)
