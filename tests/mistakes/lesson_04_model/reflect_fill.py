"""Keras' default fill_mode ("reflect") left in place: a shifted digit gets mirrored pieces of
its own stroke in the border instead of black background."""

CAUGHT_BY = "test_augment_fills_the_border_with_black"
HINT = "fill_mode='constant'"


def augment(rotation=0.02, shift=0.05, zoom=0.05):
    return keras.Sequential(
        [
            keras.layers.Reshape((28, 28, 1)),
            keras.layers.RandomRotation(rotation),
            keras.layers.RandomTranslation(shift, shift),
            keras.layers.RandomZoom(zoom),
        ]
    )
