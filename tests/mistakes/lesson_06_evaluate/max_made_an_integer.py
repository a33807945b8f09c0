"""Takes the highest score with .max(axis=1), then, told that labels are integers, makes it
one with .astype(int): every probability below 1 becomes 0, so every image is 'a 0'."""

CAUGHT_BY = "test_predict_labels_picks_the_highest_score"
HINT = "np.argmax(scores, axis=1) gives its position, 0..9, which is the digit"


def predict_labels(model, x):
    return model.predict(x, verbose=0).max(axis=1).astype(int)
