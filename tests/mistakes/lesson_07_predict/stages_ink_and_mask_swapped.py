"""Fills `stages` with the signal and the mask under each other's names: explain_figure then
draws the mask as "ink, light evened out" and the signal as "ink or paper"."""

CAUGHT_BY = "test_preprocess_digit_chains_every_step"
HINT = "stages['ink'] holds a True/False mask"


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
        stages.update(picture=picture, ink=mask, mask=signal, digit=digit)
    return image
