"""Believes Keras wants radians and converts the argument: RandomRotation(rotation * 2 * pi).
0.05 becomes 0.31, which Keras reads as 0.31 of a full turn, up to 113 degrees."""

CAUGHT_BY = "test_augment_rotates_shifts_and_zooms"
HINT = "you converted the rotation to radians"


def augment(rotation=0.02, shift=0.05, zoom=0.05):
    import math

    black = {"fill_mode": "constant", "fill_value": 0.0}
    return keras.Sequential(
        [
            keras.layers.Reshape((28, 28, 1)),
            keras.layers.RandomRotation(rotation * 2 * math.pi, **black),
            keras.layers.RandomTranslation(shift, shift, **black),
            keras.layers.RandomZoom(zoom, **black),
        ],
        name="augment",
    )
