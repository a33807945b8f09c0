"""The shift hard-coded to the tutorial's 0.2 instead of the `shift` argument."""

CAUGHT_BY = "test_augment_rotates_shifts_and_zooms"
HINT = "pass the arguments on"


def augment(rotation=0.02, shift=0.05, zoom=0.05):
    black = {"fill_mode": "constant", "fill_value": 0.0}
    return keras.Sequential(
        [
            keras.layers.Reshape((28, 28, 1)),
            keras.layers.RandomRotation(rotation, **black),
            keras.layers.RandomTranslation(0.2, 0.2, **black),
            keras.layers.RandomZoom(zoom, **black),
        ]
    )
