"""Returns np.argmax's numpy integer as the digit, not the Python int the docstring promises."""

CAUGHT_BY = "test_predict_digit_for_one_image"
HINT = "int(np.argmax(probabilities))"


def predict_digit(model, image):
    images = np.asarray(image, dtype=np.float32)
    single = images.ndim == 2
    if single:
        images = images[np.newaxis]
    probabilities = model.predict(images.reshape((len(images), *model.input_shape[1:])), verbose=0)
    if single:
        return np.argmax(probabilities[0]), probabilities[0]
    return probabilities.argmax(axis=1), probabilities
