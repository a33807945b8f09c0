"""np.argmax(scores, axis=0): for each digit, the image that scored highest."""

CAUGHT_BY = "test_predict_labels_picks_the_highest_score"
HINT = 'np.argmax(scores, axis=1)'

def predict_labels(model, x):
    return np.argmax(model.predict(x, verbose=0), axis=0)
