"""Crops, fits into 20x20 and pads to 28x28, but centres the bounding box, not the mass."""

CAUGHT_BY = "test_preprocess_centres_the_centre_of_mass"
HINT = "centre of mass"


def preprocess_digit(grey, stages=None):
    grey = cv2.GaussianBlur(np.asarray(grey, np.uint8), (5, 5), 0)
    _, mask = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    rows, cols = np.nonzero(mask)
    crop = mask[rows.min(): rows.max() + 1, cols.min(): cols.max() + 1].astype(np.float32) / 255
    fit = 20 / max(crop.shape)
    h, w = max(1, round(crop.shape[0] * fit)), max(1, round(crop.shape[1] * fit))
    frame = np.zeros((28, 28), np.float32)
    top, left = (28 - h) // 2, (28 - w) // 2
    frame[top: top + h, left: left + w] = cv2.resize(crop, (w, h), interpolation=cv2.INTER_AREA)
    return frame
