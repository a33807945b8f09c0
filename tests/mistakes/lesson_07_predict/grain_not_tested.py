"""Refuses a blank page only under MIN_CONTRAST and forgets the test against the paper's
grain: coarse-grained paper whose brightest 0.01% reaches 46 grey levels passes as ink."""

CAUGHT_BY = "test_separate_ink_says_when_there_is_no_ink"
HINT = "under 6 times the grain, so it is grain, not ink"


def separate_ink(signal):
    contrast = np.percentile(signal, 99.99)
    if contrast < MIN_CONTRAST:
        raise ValueError("no digit found in the image")
    scaled = np.clip(signal / contrast * 255.0, 0, 255).astype(np.uint8)
    otsu, _ = cv2.threshold(scaled, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return scaled > max(otsu, INK_FLOOR * 255)
