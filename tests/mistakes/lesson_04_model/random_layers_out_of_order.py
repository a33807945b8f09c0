"""The random layers in another order than the docstring's (zoom, shift, rotation): the
course's training replays the block's moves as rotate, shift, zoom, so it would train on other
moves than the block makes (an outside probe, 2026-12-04, found it passed every check)."""

CAUGHT_BY = "test_augment_rotates_shifts_and_zooms"
HINT = "rotate, then shift, then zoom"


def augment(rotation=0.02, shift=0.05, zoom=0.05):
    fill = {"fill_mode": "constant", "fill_value": 0.0}
    return keras.Sequential(
        [
            keras.layers.Reshape((28, 28, 1)),
            keras.layers.RandomZoom(zoom, **fill),
            keras.layers.RandomTranslation(shift, shift, **fill),
            keras.layers.RandomRotation(rotation, **fill),
        ],
        name="augment",
    )
