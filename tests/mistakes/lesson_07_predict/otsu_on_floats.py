"""Hands the float signal straight to Otsu's threshold, which OpenCV only runs on uint8 pictures."""

CAUGHT_BY = "test_separate_ink_finds_a_faint_stroke"
HINT = "Otsu's method works on uint8 pictures only"


def separate_ink(signal):
    contrast = np.percentile(signal, 99.99)
    if contrast < max(MIN_CONTRAST, 6 * noise_level(signal)):
        raise ValueError("no digit found in the image")
    level, mask = cv2.threshold(signal, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return mask > 0
