"""Gives fill_mode='constant' to the rotation only; the shift and the zoom still reflect."""

CAUGHT_BY = "test_augment_fills_the_border_with_black"
HINT = "pass fill_mode='constant', fill_value=0.0 to RandomRotation"


def augment(rotation=0.02, shift=0.05, zoom=0.05):
    return keras.Sequential(
        [
            keras.layers.Reshape((28, 28, 1)),
            keras.layers.RandomRotation(rotation, fill_mode="constant", fill_value=0.0),
            keras.layers.RandomTranslation(shift, shift),
            keras.layers.RandomZoom(zoom),
        ],
        name="augment",
    )
