"""Calls model.fit twice (once "to warm up"): the second call goes on from where the first
stopped, so the model trains twice the epochs it was given."""

CAUGHT_BY = "test_fit_gets_the_arguments"
HINT = "call model.fit once"


def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    keras.utils.set_random_seed(seed)
    stop_early = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=PATIENCE, restore_best_weights=True
    )
    arguments = dict(validation_data=(x_val, y_val), epochs=epochs, batch_size=batch_size,
                     callbacks=[stop_early], verbose=verbose)
    model.fit(x_train, y_train, **arguments)
    return model.fit(x_train, y_train, **arguments)
