"""Sets images.shape instead of returning a reshaped view: the caller's array changes too."""

CAUGHT_BY = "test_reshape_adds_a_channel_axis"
HINT = "assigning images.shape = ... changes the caller's array"


def reshape_for_model(images, flatten=False):
    images.shape = (len(images), 784) if flatten else (len(images), 28, 28, 1)
    return images
