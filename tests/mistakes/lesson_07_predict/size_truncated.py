"""Uses int() for the new sides, which always rounds down: a 100x38 crop becomes 20x7, not 20x8."""

CAUGHT_BY = "test_fit_in_box_keeps_the_shape"
HINT = "not int(side * fit)"


def fit_in_box(crop):
    crop = np.asarray(crop, dtype=np.float32)
    fit = BOX / max(crop.shape)
    height, width = max(1, int(crop.shape[0] * fit)), max(1, int(crop.shape[1] * fit))
    return cv2.resize(crop, (width, height), interpolation=cv2.INTER_AREA)
