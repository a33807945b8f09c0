"""Leaves edge_bands out of the chain ("the table edge is rare"): a blank page's border grain then passes as ink."""

CAUGHT_BY = "test_preprocess_digit_chains_every_step"
HINT = "bands = edge_bands(mask)"


def preprocess_digit(grey, stages=None):
    picture = working_copy(grey)
    signal = even_out_lighting(white_on_black(picture))
    mask = separate_ink(signal)
    digit = keep_digit(mask)
    image = centre_by_mass(fit_in_box(match_stroke_width(crop_to_ink(digit))))
    if stages is not None:
        stages.update(picture=picture, ink=signal, mask=mask, digit=digit)
    return image
