"""Calls model.predict(x) with Keras' default progress bar, which breaks `evaluate --json`."""

CAUGHT_BY = "test_predict_labels_picks_the_highest_score"
HINT = "model.predict(x, verbose=0)"


def predict_labels(model, x):
    return np.argmax(model.predict(x), axis=1)
