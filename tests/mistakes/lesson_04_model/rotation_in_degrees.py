"""Types the rotation in degrees, RandomRotation(10, ...), meaning 'up to 10 degrees'. Keras reads
the factor as a fraction of a full turn, so 10 would be 10 full turns, and it refuses any factor
outside [-1, 1] with a ValueError that never mentions degrees."""

CAUGHT_BY = "test_augment_rotates_shifts_and_zooms"
HINT = "10 means 10 full turns = 3600 degrees"


def augment(rotation=0.02, shift=0.05, zoom=0.05):
    black = {"fill_mode": "constant", "fill_value": 0.0}
    return keras.Sequential(
        [
            keras.layers.Reshape((28, 28, 1)),
            keras.layers.RandomRotation(10, **black),
            keras.layers.RandomTranslation(shift, shift, **black),
            keras.layers.RandomZoom(zoom, **black),
        ],
        name="augment",
    )
