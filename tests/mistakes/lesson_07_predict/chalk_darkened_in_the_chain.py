"""white_on_black always inverts ("photos are dark on light"), and the learner, with the steps'
own checks skipped, runs preprocess_digit's: a chalk digit on a board comes out dark on white,
separate_ink finds no ink, and the error rises from separate_ink, which is right. The message
must send the learner to white_on_black."""

CAUGHT_BY = "test_preprocess_digit_matches_the_reference"
HINT = "preprocess_digit itself looks right (it calls the steps in order); its step white_on_black() gave"


def white_on_black(picture):
    return 255.0 - np.asarray(picture, dtype=np.float32)
