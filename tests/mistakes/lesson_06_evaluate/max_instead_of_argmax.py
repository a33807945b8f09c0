"""Takes np.max of the scores instead of np.argmax: each image's highest probability (0.13,
0.2...), not the digit that got it. The names are one letter-pair apart and both run."""

CAUGHT_BY = "test_predict_labels_picks_the_highest_score"
HINT = "these look like probabilities (0..1), not digits 0..9"


def predict_labels(model, x):
    return np.max(model.predict(x, verbose=0), axis=1)
