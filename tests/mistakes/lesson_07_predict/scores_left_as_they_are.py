"""Returns model.predict's output as the probabilities: for a model whose last layer has no
softmax these are raw scores, negative and not summing to 1."""

CAUGHT_BY = "test_predict_digit_turns_scores_into_probabilities"
HINT = "go through a softmax"


def predict_digit(model, image):
    images = np.asarray(image, dtype=np.float32)
    single = images.ndim == 2
    if single:
        images = images[np.newaxis]
    batch = images.reshape((len(images), *tuple(model.input_shape[1:])))
    probabilities = np.asarray(model.predict(batch, verbose=0), dtype=np.float64)
    digits = probabilities.argmax(axis=1)
    if single:
        return int(digits[0]), probabilities[0]
    return digits.astype(int), probabilities
