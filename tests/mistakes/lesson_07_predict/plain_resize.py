"""Resizes every digit to 20x20, the tutorial way, which stretches a thin '1' into a blob."""

CAUGHT_BY = "test_fit_in_box_keeps_the_shape"
HINT = "keep the aspect ratio"


def fit_in_box(crop):
    return cv2.resize(np.asarray(crop, dtype=np.float32), (20, 20), interpolation=cv2.INTER_AREA)
