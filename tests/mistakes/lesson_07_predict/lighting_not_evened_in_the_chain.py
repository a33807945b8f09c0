"""even_out_lighting only stretches the ink (no paper estimate), so a shadow stays as bright as
ink; preprocess_digit itself is right, but the digit in a shadow comes out wrong, and the
message must point at even_out_lighting."""

CAUGHT_BY = "test_preprocess_digit_matches_the_reference"
HINT = "its step even_out_lighting() gave"


def even_out_lighting(ink):
    ink = np.asarray(ink, dtype=np.float32)
    return (ink - ink.min()).astype(np.float32)
