"""The rotation factor read as radians: 0.2 rad is about 11 degrees, but Keras reads it as 0.2
of a full turn, up to 72 degrees, where a 6 starts to look like a 9. (RandomRotation(15),
meant as degrees, Keras refuses outright: its factor must lie in [-1, 1].)"""

CAUGHT_BY = "test_augment_keeps_changes_small"
HINT = "a fraction of a full turn, not degrees"


def augment(rotation=0.2, shift=0.05, zoom=0.05):
    black = {"fill_mode": "constant", "fill_value": 0.0}
    return keras.Sequential(
        [
            keras.layers.Reshape((28, 28, 1)),
            keras.layers.RandomRotation(rotation, **black),
            keras.layers.RandomTranslation(shift, shift, **black),
            keras.layers.RandomZoom(zoom, **black),
        ]
    )
