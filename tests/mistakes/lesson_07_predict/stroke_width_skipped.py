"""Chains every step but skips match_stroke_width (course code), so a fine pen stays hair-thin."""

CAUGHT_BY = "test_preprocess_digit_chains_every_step"
HINT = "match_stroke_width"


def preprocess_digit(grey, stages=None):
    picture = working_copy(grey)
    signal = even_out_lighting(white_on_black(picture))
    mask = separate_ink(signal)
    bands = edge_bands(mask)
    if bands.any():
        signal = np.where(bands, 0.0, signal)
        mask = separate_ink(signal)
    image = centre_by_mass(fit_in_box(crop_to_ink(keep_digit(mask))))
    if stages is not None:
        stages.update(picture=picture, ink=signal, mask=mask)
    return image
