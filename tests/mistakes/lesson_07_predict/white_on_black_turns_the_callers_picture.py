"""Turns the picture over in place (picture[:] = 255 - picture): the result is right, but the
caller's picture is now the negative, and preprocess_digit's 'picture' stage shows it."""

CAUGHT_BY = "test_white_on_black_turns_dark_ink_white"
HINT = "changed the ndarray it was given as its argument 1"

def white_on_black(picture):
    if ink_is_dark(picture):
        picture[:] = 255 - picture
    return np.asarray(picture, dtype=np.float32)
