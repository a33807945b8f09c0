"""Puts the Reshape after the random layers: on the MLP's (n, 28, 28) batches they then see
one picture n pixels high with 28 colour channels, and move the images into each other."""

CAUGHT_BY = "test_augment_gives_images_a_channel_axis"
HINT = "Reshape((28, 28, 1)) comes first"


def augment(rotation=0.02, shift=0.05, zoom=0.05):
    black = {"fill_mode": "constant", "fill_value": 0.0}
    return keras.Sequential(
        [
            keras.layers.RandomRotation(rotation, **black),
            keras.layers.RandomTranslation(shift, shift, **black),
            keras.layers.RandomZoom(zoom, **black),
            keras.layers.Reshape((28, 28, 1)),
        ],
        name="augment",
    )
