"""keep_digit returns the list of blobs it kept, not their pixels, and the learner goes straight
on to preprocess_digit. The error comes out of crop_to_ink (np.nonzero cannot read a list of
blobs), so a message that only looked at the error would blame crop_to_ink, which is right."""

CAUGHT_BY = "test_preprocess_digit_chains_every_step"
HINT = "its step keep_digit() gave a list where a mask"


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
    return kept
