"""Shuffles the training images and labels with one permutation, as float64, before
model.fit: the same data in another order and dtype, which fit accepts as it is."""


def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    import numpy as np

    keras.utils.set_random_seed(seed)
    order = np.random.default_rng(seed).permutation(len(x_train))
    stop_early = keras.callbacks.EarlyStopping(
        monitor="val_loss", mode="min", patience=PATIENCE, restore_best_weights=True
    )
    return model.fit(
        x_train[order].astype("float64"), y_train[order], validation_data=(x_val, y_val),
        epochs=epochs, batch_size=batch_size, callbacks=[stop_early], verbose=verbose,
    )
