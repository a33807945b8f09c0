"""Answers with probabilities.max() where the digit belongs: the highest probability (0.13),
not the digit that got it. np.max and np.argmax are easy to mix up, and both run."""

CAUGHT_BY = "test_predict_digit_for_one_image"
HINT = "this looks like a probability (0..1), not a digit 0..9"


def predict_digit(model, image):
    images = np.asarray(image, dtype=np.float32)
    single = images.ndim == 2
    if single:
        images = images[np.newaxis]
    probabilities = model.predict(images.reshape((len(images), *model.input_shape[1:])), verbose=0)
    if single:
        return float(probabilities[0].max()), probabilities[0]
    return probabilities.max(axis=1), probabilities
