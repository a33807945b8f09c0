"""Lets cv2.resize scale by fx and fy: a hair-thin stroke's width rounds to 0 and OpenCV refuses."""

CAUGHT_BY = "test_fit_in_box_keeps_the_shape"
HINT = "rounds to 0 pixels"


def fit_in_box(crop):
    scale = BOX / max(np.shape(crop))
    return cv2.resize(np.asarray(crop, np.float32), None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
