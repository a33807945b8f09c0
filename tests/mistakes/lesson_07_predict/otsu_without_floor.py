"""Takes Otsu's level as it is, with no minimum: when a blot sets the contrast Otsu's level
falls to about 45, and a blurred stroke's halo becomes ink (a fatter digit)."""

CAUGHT_BY = "test_separate_ink_leaves_out_a_blurred_halo"
HINT = "never go below 30% of 255"


def separate_ink(signal):
    contrast = np.percentile(signal, 99.99)
    if contrast < max(MIN_CONTRAST, 6 * noise_level(signal)):
        raise ValueError("no digit found in the image")
    scaled = np.clip(signal / contrast * 255.0, 0, 255).astype(np.uint8)
    otsu, _ = cv2.threshold(scaled, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return scaled > otsu
