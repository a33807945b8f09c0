"""Drops every blob that touches the picture's border ("that's the paper's edge"): a tightly cropped digit vanishes."""

CAUGHT_BY = "test_keep_digit_keeps_a_digit_touching_the_border"
HINT = "do not drop blobs because they touch the border"


def keep_digit(mask):
    height, width = np.asarray(mask).shape
    blobs = [b for b in find_blobs(mask) if b.left > 0 and b.top > 0 and b.right < width and b.bottom < height]
    if not blobs:
        raise ValueError("no digit found in the image")
    main = max(blobs, key=lambda blob: blob.score)
    kept = [main] + [b for b in blobs if b is not main and b.near([main])]
    return np.any([blob.pixels for blob in kept], axis=0)
