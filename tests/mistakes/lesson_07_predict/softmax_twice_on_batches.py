"""A softmax on the model's output for a batch only (one image takes the model's answer as it
is): the batch check blamed the batch axis, whose shapes were right (an outside probe,
2026-12-04)."""

CAUGHT_BY = "test_predict_digit_for_a_batch_and_other_input_shapes"
HINT = "a second softmax flattens them"


def predict_digit(model, image):
    images = np.asarray(image, dtype=np.float32)
    single = images.ndim == 2
    if single:
        images = images[np.newaxis]
    batch = images.reshape((len(images), *tuple(model.input_shape[1:])))
    scores = np.asarray(model.predict(batch, verbose=0), dtype=np.float64)
    if not single:
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        scores = scores / scores.sum(axis=1, keepdims=True)
    elif scores.min() < 0 or not np.allclose(scores.sum(axis=1), 1, atol=1e-3):
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        scores = scores / scores.sum(axis=1, keepdims=True)
    digits = scores.argmax(axis=1)
    if single:
        return int(digits[0]), scores[0]
    return digits.astype(int), scores
