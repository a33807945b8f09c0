"""Always applies a softmax to the model's output, "to be sure": the output of a softmax
layer already sums to 1, and a second softmax flattens it towards 0.1 for every digit."""

CAUGHT_BY = "test_predict_digit_for_one_image"
HINT = "a second softmax flattens them"


def predict_digit(model, image):
    images = np.asarray(image, dtype=np.float32)
    single = images.ndim == 2
    if single:
        images = images[np.newaxis]
    batch = images.reshape((len(images), *tuple(model.input_shape[1:])))
    scores = np.asarray(model.predict(batch, verbose=0), dtype=np.float64)
    scores = np.exp(scores - scores.max(axis=1, keepdims=True))
    probabilities = scores / scores.sum(axis=1, keepdims=True)
    digits = probabilities.argmax(axis=1)
    if single:
        return int(digits[0]), probabilities[0]
    return digits.astype(int), probabilities
