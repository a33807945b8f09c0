"""The three random layers stacked straight onto the MLP's (n, 28, 28) images. Keras' image
layers read the last axis as colour channels, so a batch of 28x28 images looks to them like
one image of n rows and 28 colours: the block fails, or moves the whole batch as one picture."""

CAUGHT_BY = "test_augment_gives_images_a_channel_axis"
HINT = "Reshape((28, 28, 1))"


def augment(rotation=0.02, shift=0.05, zoom=0.05):
    black = {"fill_mode": "constant", "fill_value": 0.0}
    return keras.Sequential(
        [
            keras.layers.RandomRotation(rotation, **black),
            keras.layers.RandomTranslation(shift, shift, **black),
            keras.layers.RandomZoom(zoom, **black),
        ],
        name="augment",
    )
