"""Believes Keras wants degrees and converts the argument: RandomRotation(rotation * 360).
0.02 becomes 7.2, which Keras reads as 7.2 full turns and refuses (its factor must lie in
[-1, 1])."""

CAUGHT_BY = "test_augment_rotates_shifts_and_zooms"
HINT = "a fraction of a full turn (360 degrees), not degrees"


def augment(rotation=0.02, shift=0.05, zoom=0.05):
    black = {"fill_mode": "constant", "fill_value": 0.0}
    return keras.Sequential(
        [
            keras.layers.Reshape((28, 28, 1)),
            keras.layers.RandomRotation(rotation * 360, **black),
            keras.layers.RandomTranslation(shift, shift, **black),
            keras.layers.RandomZoom(zoom, **black),
        ],
        name="augment",
    )
