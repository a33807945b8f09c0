"""fill_mode='constant' on every random layer, but fill_value=1.0: the border a move uncovers is
white, which reads as ink. Its message used to show only the (right) fill_mode, and the
channel-axis check blamed a missing Reshape for the "ink" in blank images (an outside probe,
2026-12-04)."""

CAUGHT_BY = "test_augment_fills_the_border_with_black"
HINT = "1.0 is white, which reads as ink"


def augment(rotation=0.02, shift=0.05, zoom=0.05):
    fill = {"fill_mode": "constant", "fill_value": 1.0}
    return keras.Sequential(
        [
            keras.layers.Reshape((28, 28, 1)),
            keras.layers.RandomRotation(rotation, **fill),
            keras.layers.RandomTranslation(shift, shift, **fill),
            keras.layers.RandomZoom(zoom, **fill),
        ],
        name="augment",
    )
