"""Returns model.predict's ten scores per image instead of one digit."""

CAUGHT_BY = "test_predict_labels_picks_the_highest_score"
HINT = 'np.argmax(scores, axis=1)'

def predict_labels(model, x):
    return model.predict(x, verbose=0)
