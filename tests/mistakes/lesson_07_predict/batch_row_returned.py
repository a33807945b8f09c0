"""Returns model.predict's (1, 10) batch as the probabilities of one image."""

CAUGHT_BY = "test_predict_digit_for_one_image"
HINT = "take row [0]"


def predict_digit(model, image):
    scores = model.predict(np.asarray(image)[np.newaxis], verbose=0)
    return int(np.argmax(scores)), scores
