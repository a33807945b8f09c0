"""Hands the one image to model.predict as it is, (28, 28): Keras reads it as a batch of 28 rows
and, for a model without a fixed input, stops with its own words ("Cannot take the length of
shape with unknown rank"), which a check showed raw (an outside probe, 2026-12-04)."""

CAUGHT_BY = "test_predict_digit_for_one_image"
HINT = "give image[np.newaxis]"


def predict_digit(model, image):
    probabilities = model.predict(image, verbose=0)
    return int(np.argmax(probabilities)), probabilities
