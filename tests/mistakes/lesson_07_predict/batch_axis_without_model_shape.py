"""Adds the batch axis but never reshapes to model.input_shape: a flattened model, which
wants (None, 784), is given (1, 28, 28)."""

CAUGHT_BY = "test_predict_digit_for_a_batch_and_other_input_shapes"
HINT = "reshape to (-1,) + model.input_shape[1:], here (-1, 784)"


def predict_digit(model, image):
    single = image.ndim == 2
    batch = image[None] if single else image
    probabilities = model.predict(batch, verbose=0)
    digits = np.argmax(probabilities, axis=1)
    if single:
        return int(digits[0]), probabilities[0]
    return digits, probabilities
