"""Calls max() on find_blobs' list without checking it is empty: a blank mask gives Python's own error."""

CAUGHT_BY = "test_keep_digit_says_when_there_is_no_ink"
HINT = "when find_blobs(mask) is an empty list"


def keep_digit(mask):
    blobs = find_blobs(mask)
    main = max(blobs, key=lambda blob: blob.score)
    kept = [main] + [blob for blob in blobs if blob is not main and blob.near([main])]
    return np.any([blob.pixels for blob in kept], axis=0)
