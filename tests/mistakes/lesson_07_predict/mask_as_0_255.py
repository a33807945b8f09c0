"""Returns OpenCV's 0/255 uint8 mask from cv2.threshold instead of the bool mask the spec asks for."""

CAUGHT_BY = "test_separate_ink_finds_a_faint_stroke"
HINT = "return scaled > level"


def separate_ink(signal):
    contrast = np.percentile(signal, 99.99)
    if contrast < max(MIN_CONTRAST, 6 * noise_level(signal)):
        raise ValueError("no digit found in the image")
    scaled = np.clip(signal / contrast * 255.0, 0, 255).astype(np.uint8)
    _, mask = cv2.threshold(scaled, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return mask
