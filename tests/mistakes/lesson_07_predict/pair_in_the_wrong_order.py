"""Returns (probabilities, digit) instead of (digit, probabilities)."""

CAUGHT_BY = "test_predict_digit_for_one_image"
HINT = "swapped"


def predict_digit(model, image):
    probabilities = model.predict(np.asarray(image)[np.newaxis], verbose=0)[0]
    return probabilities, int(np.argmax(probabilities))
