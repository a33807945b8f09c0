"""Writes patience=3 in the callback instead of the module's PATIENCE (5)."""

CAUGHT_BY = "test_stops_early_and_keeps_the_best_weights"
HINT = "patience=PATIENCE"


def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    keras.utils.set_random_seed(seed)
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    return model.fit(
        x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
        batch_size=batch_size, callbacks=[stop], verbose=verbose,
    )
