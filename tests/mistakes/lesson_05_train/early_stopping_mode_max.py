"""EarlyStopping(mode="max") on val_loss: the "best" epoch is the one with the highest loss,
and restore_best_weights brings back the worst weights."""

CAUGHT_BY = "test_stops_early_and_keeps_the_best_weights"
HINT = "leave mode out"


def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    keras.utils.set_random_seed(seed)
    stop_early = keras.callbacks.EarlyStopping(
        monitor="val_loss", mode="max", patience=PATIENCE, restore_best_weights=True
    )
    return model.fit(
        x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
        batch_size=batch_size, callbacks=[stop_early], verbose=verbose,
    )
