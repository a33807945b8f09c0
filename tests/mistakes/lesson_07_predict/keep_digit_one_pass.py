"""Looks over the blobs once: a piece that only comes within reach after another piece has
joined (the far half of a broken flag, listed first) is dropped."""

CAUGHT_BY = "test_keep_digit_grows_until_no_piece_joins"
HINT = "repeat the pass over the blobs until none joins"


def keep_digit(mask):
    blobs = find_blobs(mask)
    if not blobs:
        raise ValueError("no digit found in the image")
    main = max(blobs, key=lambda blob: blob.score)
    kept = [main]
    for blob in blobs:
        if blob is not main and blob.area >= NEAR_SIZE * main.area and blob.near(kept):
            kept.append(blob)
    return np.any([blob.pixels for blob in kept], axis=0)
