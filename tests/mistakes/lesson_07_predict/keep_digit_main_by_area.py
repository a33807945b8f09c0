"""Chooses the main stroke by area instead of by score: a bigger scribble in a corner wins
over the digit in the middle."""

CAUGHT_BY = "test_keep_digit_starts_from_the_best_score"
HINT = "not the most ink"


def keep_digit(mask):
    blobs = find_blobs(mask)
    if not blobs:
        raise ValueError("no digit found in the image")
    main = max(blobs, key=lambda blob: blob.area)
    kept = [main]
    grown = True
    while grown:
        grown = False
        for blob in blobs:
            if blob not in kept and blob.area >= NEAR_SIZE * main.area and blob.near(kept):
                kept.append(blob)
                grown = True
    return np.any([blob.pixels for blob in kept], axis=0)
