"""Reshapes to a typed-in count, images.reshape(60000, 784): only the training set fits."""

CAUGHT_BY = "test_reshape_flattens_row_by_row"
HINT = "a number of images typed in: use len(images)"


def reshape_for_model(images, flatten=False):
    if flatten:
        return images.reshape(60000, 784)
    return images.reshape(60000, 28, 28, 1)
