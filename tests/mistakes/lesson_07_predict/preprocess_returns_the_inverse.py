"""Returns 1 - the centred digit, "to make it look like the photo": black ink on white, the
inverse of MNIST's. Its message showed correlation -1.00 with a hint about stroke width and edge
bands (an outside probe, 2026-12-04)."""

CAUGHT_BY = "test_preprocess_digit_matches_the_reference"
HINT = "expected one inverted, black ink on white"


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
    image = 1.0 - centre_by_mass(fit_in_box(crop))
    if stages is not None:
        stages.update(picture=picture, ink=signal, mask=mask, digit=digit)
    return image
