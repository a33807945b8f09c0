"""Scales by the batch's own maximum: a faint digit is stretched to full brightness."""

CAUGHT_BY = "test_normalize_divides_by_255_not_by_the_batch_maximum"
HINT = 'not by images.max()'

def normalize(images):
    images = np.asarray(images, dtype=np.float32)
    return images / images.max()
