"""Adds a RandomFlip, as image-augmentation tutorials do: a mirrored 7 is no digit."""

CAUGHT_BY = "test_augment_rotates_shifts_and_zooms"
HINT = "leave RandomFlip out"


def augment(rotation=0.02, shift=0.05, zoom=0.05):
    black = {"fill_mode": "constant", "fill_value": 0.0}
    return keras.Sequential(
        [
            keras.layers.Reshape((28, 28, 1)),
            keras.layers.RandomFlip("horizontal"),
            keras.layers.RandomRotation(rotation, **black),
            keras.layers.RandomTranslation(shift, shift, **black),
            keras.layers.RandomZoom(zoom, **black),
        ],
        name="augment",
    )
