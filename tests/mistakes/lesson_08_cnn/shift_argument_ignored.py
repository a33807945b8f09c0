"""The shift hard-coded to the tutorial's 0.2 instead of the `shift` argument."""

CAUGHT_BY = "test_augment_rotates_shifts_and_zooms"
HINT = "pass the arguments on"


def augment(rotation=0.03, shift=0.1, zoom=0.1):
    black = {"fill_mode": "constant", "fill_value": 0.0}
    return keras.Sequential(
        [
            keras.layers.RandomRotation(rotation, **black),
            keras.layers.RandomTranslation(0.2, 0.2, **black),
            keras.layers.RandomZoom(zoom, **black),
        ]
    )
