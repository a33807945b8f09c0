"""Keras' default fill_mode ("reflect") left in place: a shifted digit gets mirrored pieces of
its own stroke in the border instead of black background."""

CAUGHT_BY = "test_augment_fills_the_border_with_black"
HINT = "fill_mode='constant'"


def augment(rotation=0.03, shift=0.1, zoom=0.1):
    return keras.Sequential(
        [
            keras.layers.RandomRotation(rotation),
            keras.layers.RandomTranslation(shift, shift),
            keras.layers.RandomZoom(zoom),
        ]
    )
