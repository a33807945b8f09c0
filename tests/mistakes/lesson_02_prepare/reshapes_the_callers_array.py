"""Assigns images.shape: reshapes the caller's array instead of returning a new view."""

CAUGHT_BY = "test_reshape_leaves_its_input_untouched"
HINT = "changes the caller's array"

def reshape_for_model(images, flatten=False):
    images.shape = (len(images), 784) if flatten else (len(images), 28, 28, 1)
    return images
