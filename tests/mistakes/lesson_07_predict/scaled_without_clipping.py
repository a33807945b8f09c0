"""Scales the signal to 0..255 and makes it uint8 without clipping: the brightest ink, above
the 99.99th percentile, goes over 255 and wraps round to a dark value, a hole in the stroke."""

CAUGHT_BY = "test_separate_ink_leaves_out_a_blurred_halo"
HINT = "clip before making it uint8"


def separate_ink(signal):
    contrast = np.percentile(signal, 99.99)
    if contrast < max(MIN_CONTRAST, 6 * noise_level(signal)):
        raise ValueError("no digit found in the image")
    scaled = (signal / contrast * 255.0).astype(np.uint8)
    otsu, _ = cv2.threshold(scaled, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return scaled > max(otsu, INK_FLOOR * 255)
