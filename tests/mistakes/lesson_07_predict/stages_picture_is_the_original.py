"""Keeps the photo as it came (`grey`) as stages['picture'], not the working copy every other
stage was made from: explain_figure's first panel no longer lines up with the others."""

CAUGHT_BY = "test_preprocess_digit_chains_every_step"
HINT = "stages['picture'] of shape"


def preprocess_digit(grey, stages=None):
    picture = working_copy(grey)
    signal = even_out_lighting(white_on_black(picture))
    mask = separate_ink(signal)
    bands = edge_bands(mask)
    if bands.any():
        signal = np.where(bands, 0.0, signal)
        mask = separate_ink(signal)
    digit = keep_digit(mask)
    crop = match_stroke_width(crop_to_ink(digit))
    image = centre_by_mass(fit_in_box(crop))
    if stages is not None:
        stages.update(picture=grey, ink=signal, mask=mask, digit=digit)
    return image
