"""Turns the bool crop into 0/255 before resizing, so the digit is 255 times too bright."""

CAUGHT_BY = "test_fit_in_box_anti_aliases"
HINT = "255 times too bright"


def fit_in_box(crop):
    crop = np.asarray(crop).astype(np.float32) * 255
    fit = BOX / max(crop.shape)
    height, width = max(1, round(crop.shape[0] * fit)), max(1, round(crop.shape[1] * fit))
    return cv2.resize(crop, (width, height), interpolation=cv2.INTER_AREA)
