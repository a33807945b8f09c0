"""Scales the digit's longer side to 28 (the frame) instead of MNIST's 20-pixel box."""

CAUGHT_BY = "test_fit_in_box_keeps_the_shape"
HINT = "fit = 20 / max(crop.shape)"


def fit_in_box(crop):
    crop = np.asarray(crop, dtype=np.float32)
    fit = 28 / max(crop.shape)
    height, width = max(1, round(crop.shape[0] * fit)), max(1, round(crop.shape[1] * fit))
    return cv2.resize(crop, (width, height), interpolation=cv2.INTER_AREA)
