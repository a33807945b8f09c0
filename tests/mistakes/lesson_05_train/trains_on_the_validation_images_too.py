"""Trains on x_train and x_val together ("more data is better"): the validation images are
then no longer unseen, and val_loss says how well the model remembers them."""

CAUGHT_BY = "test_fit_gets_the_arguments"
HINT = "train on the training set alone"


def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    import numpy as np

    keras.utils.set_random_seed(seed)
    stop_early = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=PATIENCE, restore_best_weights=True
    )
    x_all = np.concatenate([x_train, x_val])
    y_all = np.concatenate([y_train, y_val])
    return model.fit(
        x_all, y_all, validation_data=(x_val, y_val), epochs=epochs,
        batch_size=batch_size, callbacks=[stop_early], verbose=verbose,
    )
