"""Validates on the images it trains on, validation_data=(x_train, y_train): val_loss then
falls with the training loss, and early stopping never sees the model start to memorise."""

CAUGHT_BY = "test_fit_gets_the_arguments"
HINT = "validate on the images held back"


def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    keras.utils.set_random_seed(seed)
    stop_early = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=PATIENCE, restore_best_weights=True
    )
    return model.fit(
        x_train, y_train, validation_data=(x_train, y_train), epochs=epochs,
        batch_size=batch_size, callbacks=[stop_early], verbose=verbose,
    )
