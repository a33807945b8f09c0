"""Gives the rotation as a range of degrees, RandomRotation((-15, 15)). Keras accepts a pair
without complaint, and reads it as -15 to 15 full turns: any angle at all, a 6 as often a 9."""

CAUGHT_BY = "test_augment_keeps_changes_small"
HINT = "15 means 15 full turns = 5400 degrees"


def augment(rotation=0.02, shift=0.05, zoom=0.05):
    black = {"fill_mode": "constant", "fill_value": 0.0}
    return keras.Sequential(
        [
            keras.layers.Reshape((28, 28, 1)),
            keras.layers.RandomRotation((-15, 15), **black),
            keras.layers.RandomTranslation(shift, shift, **black),
            keras.layers.RandomZoom(zoom, **black),
        ],
        name="augment",
    )
