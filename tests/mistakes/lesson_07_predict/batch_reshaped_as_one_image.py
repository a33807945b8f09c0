"""Reshapes to (1,) + model.input_shape[1:] always: one image works, a batch of 5 cannot
become one image (NumPy: cannot reshape array of size 3920 into shape (1,28,28))."""

CAUGHT_BY = "test_predict_digit_for_a_batch_and_other_input_shapes"
HINT = "that is a batch of 5 images, not one"


def predict_digit(model, image):
    batch = image.reshape((1,) + tuple(model.input_shape[1:]))
    probabilities = model.predict(batch, verbose=0)[0]
    return int(np.argmax(probabilities)), probabilities
