"""Divides by 255 - paper with no floor: where the paper's level is 255 (a black table beside
the page, white once turned over) that is 0, and the result is NaN."""

CAUGHT_BY = "test_even_out_lighting_copes_with_paper_at_255"
HINT = "np.maximum(255 - paper, 16)"


def even_out_lighting(ink):
    paper = paper_level(ink)
    signal = (np.asarray(ink, dtype=np.float32) - paper) / (255.0 - paper) * 255.0
    return np.clip(signal, 0, None).astype(np.float32)
