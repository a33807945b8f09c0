"""Never checks that anything stands out: a blank page's grain is stretched into 'ink'."""

CAUGHT_BY = "test_separate_ink_says_when_there_is_no_ink"
HINT = "no digit found in the image"


def separate_ink(signal):
    contrast = max(float(np.percentile(signal, 99.99)), 1e-6)
    scaled = np.clip(signal / contrast * 255.0, 0, 255).astype(np.uint8)
    otsu, _ = cv2.threshold(scaled, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return scaled > max(otsu, INK_FLOOR * 255)
