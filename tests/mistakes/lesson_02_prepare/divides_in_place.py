"""Divides into the caller's array (out=images): the raw pixels are destroyed."""

CAUGHT_BY = "test_normalize_leaves_its_input_untouched"
HINT = 'do not write into images'

def normalize(images):
    np.divide(images, 255, out=images, casting="unsafe")
    return images.astype(np.float32)
