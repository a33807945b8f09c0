"""Compiles the model again inside train, with Adam's defaults: the learning rate lesson 04's
compile_model chose (and the schedule `mnist-course train` gives it) is thrown away, and the
model still learns enough to pass the learning check (an outside probe, 2026-12-04)."""

CAUGHT_BY = "test_train_keeps_how_the_model_was_compiled"
HINT = "model.compile replaces the optimizer"


def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    keras.utils.set_random_seed(seed)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    stop_early = keras.callbacks.EarlyStopping(monitor="val_loss", patience=PATIENCE, restore_best_weights=True)
    return model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs, batch_size=batch_size,
                     callbacks=[stop_early], shuffle=True, verbose=verbose)
