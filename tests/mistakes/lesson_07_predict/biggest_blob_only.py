"""Keeps only the biggest blob: a 5 whose flag does not touch its body becomes a 'C'."""

CAUGHT_BY = "test_keep_digit_keeps_a_five_with_its_flag"
HINT = "keeping only the biggest blob"


def keep_digit(mask):
    blobs = find_blobs(mask)
    if not blobs:
        raise ValueError("no digit found in the image")
    return max(blobs, key=lambda blob: blob.area).pixels
