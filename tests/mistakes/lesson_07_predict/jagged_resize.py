"""Resizes with INTER_NEAREST: the right size, but jagged 0/1 edges instead of MNIST's soft grey ones."""

CAUGHT_BY = "test_fit_in_box_anti_aliases"
HINT = "cv2.INTER_AREA"


def fit_in_box(crop):
    crop = np.asarray(crop, dtype=np.float32)
    fit = BOX / max(crop.shape)
    height, width = max(1, round(crop.shape[0] * fit)), max(1, round(crop.shape[1] * fit))
    return cv2.resize(crop, (width, height), interpolation=cv2.INTER_NEAREST)
