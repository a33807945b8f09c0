"""Thresholds at 128 whatever the contrast: a faint pencil stroke disappears."""

CAUGHT_BY = "test_separate_ink_finds_a_faint_stroke"
HINT = "a fixed level such as 128 misses faint ink"


def separate_ink(signal):
    if np.percentile(signal, 99.99) < max(MIN_CONTRAST, 6 * noise_level(signal)):
        raise ValueError("no digit found in the image")
    return np.asarray(signal) > 128
