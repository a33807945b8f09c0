"""Adds the channel axis at the front (np.expand_dims(images, 0)): (1, n, 28, 28)."""

CAUGHT_BY = "test_reshape_adds_a_channel_axis"
HINT = "images[..., np.newaxis]"


def reshape_for_model(images, flatten=False):
    images = np.asarray(images)
    if flatten:
        return images.reshape(len(images), -1)
    return np.expand_dims(images, 0)
