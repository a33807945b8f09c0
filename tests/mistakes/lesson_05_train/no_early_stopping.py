"""Trains for every epoch and keeps the last weights, however validation loss moves."""

CAUGHT_BY = "test_stops_early_and_keeps_the_best_weights"
HINT = 'keras.callbacks.EarlyStopping'

def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    keras.utils.set_random_seed(seed)
    return model.fit(
        x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
        batch_size=batch_size, verbose=verbose,
    )
