"""Resizes with INTER_LINEAR, OpenCV's default: shrinking a photo's mask twenty times, it reads
four pixels of each block and keeps jagged 0/1 edges."""

CAUGHT_BY = "test_fit_in_box_anti_aliases"
HINT = "INTER_LINEAR four"


def fit_in_box(crop):
    crop = np.asarray(crop, dtype=np.float32)
    fit = BOX / max(crop.shape)
    height, width = max(1, round(crop.shape[0] * fit)), max(1, round(crop.shape[1] * fit))
    return cv2.resize(crop, (width, height), interpolation=cv2.INTER_LINEAR)
