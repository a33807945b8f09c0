"""Leaves the block unnamed: the docstring asks for a Sequential named "augment"."""

CAUGHT_BY = "test_augment_rotates_shifts_and_zooms"
HINT = "named 'augment'"


def augment(rotation=0.02, shift=0.05, zoom=0.05):
    black = {"fill_mode": "constant", "fill_value": 0.0}
    return keras.Sequential(
        [
            keras.layers.Reshape((28, 28, 1)),
            keras.layers.RandomRotation(rotation, **black),
            keras.layers.RandomTranslation(shift, shift, **black),
            keras.layers.RandomZoom(zoom, **black),
        ]
    )
