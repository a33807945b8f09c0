"""Passes (height, width) to cv2.resize, which wants (width, height): a tall 1 comes out wide."""

CAUGHT_BY = "test_fit_in_box_keeps_the_shape"
HINT = "cv2.resize takes (width, height)"


def fit_in_box(crop):
    crop = np.asarray(crop, dtype=np.float32)
    fit = BOX / max(crop.shape)
    height, width = max(1, round(crop.shape[0] * fit)), max(1, round(crop.shape[1] * fit))
    return cv2.resize(crop, (height, width), interpolation=cv2.INTER_AREA)
