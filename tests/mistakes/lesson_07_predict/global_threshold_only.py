"""Thresholds the raw photo with one global Otsu level: shadows and table edges become 'ink'."""

CAUGHT_BY = "test_preprocess_evens_out_light_and_ignores_specks"
HINT = "estimate the paper's brightness"


def preprocess_digit(grey, stages=None):
    grey = cv2.GaussianBlur(np.asarray(grey, np.uint8), (5, 5), 0)
    _, mask = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    rows, cols = np.nonzero(mask)
    if len(rows) == 0:
        raise ValueError("no digit found in the image")
    crop = mask[rows.min(): rows.max() + 1, cols.min(): cols.max() + 1].astype(np.float32) / 255
    fit = 20 / max(crop.shape)
    h, w = max(1, round(crop.shape[0] * fit)), max(1, round(crop.shape[1] * fit))
    frame = np.zeros((28, 28), np.float32)
    top, left = (28 - h) // 2, (28 - w) // 2
    frame[top: top + h, left: left + w] = cv2.resize(crop, (w, h), interpolation=cv2.INTER_AREA)
    m = cv2.moments(frame)
    move = np.float32([[1, 0, 14 - m["m10"] / m["m00"]], [0, 1, 14 - m["m01"] / m["m00"]]])
    return cv2.warpAffine(frame, move, (28, 28))
