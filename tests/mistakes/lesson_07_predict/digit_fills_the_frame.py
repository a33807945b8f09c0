"""Scales the digit to fill all 28x28 pixels instead of a 20x20 box with a 4-pixel margin."""

CAUGHT_BY = "test_preprocess_fits_a_20_pixel_box_keeping_the_aspect_ratio"
HINT = "fit it into 20x20"

_mnist_faithful = preprocess_digit


def preprocess_digit(grey, stages=None):
    image = _mnist_faithful(grey, stages)
    rows, cols = np.nonzero(image > 0.05)
    crop = image[rows.min(): rows.max() + 1, cols.min(): cols.max() + 1]
    fit = 28 / max(crop.shape)
    h, w = max(1, round(crop.shape[0] * fit)), max(1, round(crop.shape[1] * fit))
    frame = np.zeros((28, 28), np.float32)
    top, left = (28 - h) // 2, (28 - w) // 2
    frame[top: top + h, left: left + w] = cv2.resize(crop, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.clip(frame, 0, 1)
