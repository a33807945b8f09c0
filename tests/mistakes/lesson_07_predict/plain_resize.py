"""Shrinks the whole photo to 28x28 and inverts it: the tutorial way, which stretches a '1'."""

CAUGHT_BY = "test_preprocess_fits_a_20_pixel_box_keeping_the_aspect_ratio"
HINT = "scale its longer side to 20"


def preprocess_digit(grey, stages=None):
    _, mask = cv2.threshold(np.asarray(grey, np.uint8), 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return cv2.resize(mask, (28, 28), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
