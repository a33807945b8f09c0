"""Leaves batch_size out of model.fit, so Keras' default of 32 is used."""

CAUGHT_BY = "test_fit_gets_the_arguments"
HINT = 'pass batch_size=batch_size'

def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    keras.utils.set_random_seed(seed)
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=PATIENCE, restore_best_weights=True)
    return model.fit(
        x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
        callbacks=[stop], verbose=verbose,
    )
