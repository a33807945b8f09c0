"""Flattens and converts to float32 in one go, "since the model wants floats": the values stay
right, but reshaping changes the dtype, which the docstring says it keeps."""

CAUGHT_BY = "test_reshape_flattens_row_by_row"
HINT = "drop the .astype(...) after reshape"


def reshape_for_model(images, flatten=False):
    images = np.asarray(images)
    if flatten:
        return images.reshape(len(images), 784).astype(np.float32)
    return images[..., np.newaxis]
