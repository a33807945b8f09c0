"""Fills black after rotating and shifting, but forgets RandomZoom, which mirrors on zoom-out."""

CAUGHT_BY = "test_augment_fills_the_border_with_black"
HINT = "RandomZoom fill_mode='reflect'"


def augment(rotation=0.02, shift=0.05, zoom=0.05):
    black = {"fill_mode": "constant", "fill_value": 0.0}
    return keras.Sequential(
        [
            keras.layers.Reshape((28, 28, 1)),
            keras.layers.RandomRotation(rotation, **black),
            keras.layers.RandomTranslation(shift, shift, **black),
            keras.layers.RandomZoom(zoom),
        ],
        name="augment",
    )
