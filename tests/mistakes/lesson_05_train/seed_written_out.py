"""Seeds with keras.utils.set_random_seed(0): every seed argument gives the same run."""

CAUGHT_BY = "test_the_same_seed_gives_the_same_numbers"
HINT = "use the seed argument, not a fixed number"


def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    keras.utils.set_random_seed(0)
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=PATIENCE, restore_best_weights=True)
    return model.fit(
        x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
        batch_size=batch_size, callbacks=[stop], verbose=verbose,
    )
