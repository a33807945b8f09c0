"""Trains without validation_data: no val_ metrics, and early stopping has nothing to watch."""

CAUGHT_BY = "test_the_model_learns"
HINT = 'validation_data=(x_val, y_val)'

def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    keras.utils.set_random_seed(seed)
    return model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, verbose=verbose)
