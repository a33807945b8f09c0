"""Adds every blob near the digit, whatever its size: a speck of dust beside a 0 is kept."""

CAUGHT_BY = "test_keep_digit_drops_a_speck_beside_the_digit"
HINT = "at least NEAR_SIZE (3%) of the main stroke's area"


def keep_digit(mask):
    blobs = find_blobs(mask)
    if not blobs:
        raise ValueError("no digit found in the image")
    main = max(blobs, key=lambda blob: blob.score)
    kept = [main]
    grown = True
    while grown:
        grown = False
        for blob in blobs:
            if blob not in kept and blob.near(kept):
                kept.append(blob)
                grown = True
    return np.any([blob.pixels for blob in kept], axis=0)
