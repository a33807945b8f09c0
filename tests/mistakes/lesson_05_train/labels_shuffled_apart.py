"""Shuffles the images and the labels each with its own permutation: every image now has
some other image's label, and the model can learn nothing but guessing."""

CAUGHT_BY = "test_the_model_learns"
HINT = "keep its own label"


def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    import numpy as np

    keras.utils.set_random_seed(seed)
    x_train = x_train[np.random.permutation(len(x_train))]
    y_train = y_train[np.random.permutation(len(y_train))]
    stop_early = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=PATIENCE, restore_best_weights=True
    )
    return model.fit(
        x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
        batch_size=batch_size, callbacks=[stop_early], verbose=verbose,
    )
