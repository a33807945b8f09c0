"""Never passes verbose on: model.fit draws its progress bar whatever the caller asked for."""

CAUGHT_BY = "test_fit_gets_the_arguments"
HINT = "pass verbose=verbose to model.fit"


def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    keras.utils.set_random_seed(seed)
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=PATIENCE, restore_best_weights=True)
    return model.fit(
        x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
        batch_size=batch_size, callbacks=[stop],
    )
