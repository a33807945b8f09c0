"""Flattens in Fortran (column) order: the pixels of each image are scrambled."""

CAUGHT_BY = "test_reshape_flattens_row_by_row"
HINT = "order='F'"

def reshape_for_model(images, flatten=False):
    if flatten:
        return images.reshape(len(images), -1, order="F")
    return images[..., np.newaxis]
