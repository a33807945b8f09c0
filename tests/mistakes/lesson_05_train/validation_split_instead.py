"""Lets Keras carve its own validation set out of x_train (validation_split=0.1) instead of
validating on the x_val, y_val train is given: val_ metrics appear, but on other images."""

CAUGHT_BY = "test_fit_gets_the_arguments"
HINT = "use the validation set you are given"


def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    keras.utils.set_random_seed(seed)
    stop_early = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=PATIENCE, restore_best_weights=True
    )
    return model.fit(
        x_train, y_train, validation_split=0.1, epochs=epochs, batch_size=batch_size,
        callbacks=[stop_early], shuffle=True, verbose=verbose,
    )
