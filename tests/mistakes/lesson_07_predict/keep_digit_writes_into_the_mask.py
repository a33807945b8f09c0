"""Writes the digit into the mask it was given (`out = mask` is the same array): the caller's
mask, which preprocess_digit keeps as the "ink or paper" stage, loses its specks, so the
explain figure hides what that stage is there to show (an outside probe, 2026-12-04)."""

CAUGHT_BY = "test_keep_digit_drops_a_stray_mark"
HINT = "is the same array, not a copy"


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
            if blob not in kept and blob.area >= NEAR_SIZE * main.area and blob.near(kept):
                kept.append(blob)
                grown = True
    out = mask
    out[:] = False
    for blob in kept:
        out |= blob.pixels
    return out
