"""Takes the ink's contrast from the 99.9th percentile: on a whole page with a small digit,
whose ink covers under 0.1% of the picture, that percentile is paper, and the page is said
to hold no digit."""

CAUGHT_BY = "test_separate_ink_finds_a_small_digit_on_a_whole_page"
HINT = "np.percentile(signal, 99.99)"


def separate_ink(signal):
    contrast = np.percentile(signal, 99.9)
    if contrast < max(MIN_CONTRAST, 6 * noise_level(signal)):
        raise ValueError("no digit found in the image")
    scaled = np.clip(signal / contrast * 255.0, 0, 255).astype(np.uint8)
    otsu, _ = cv2.threshold(scaled, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return scaled > max(otsu, INK_FLOOR * 255)
