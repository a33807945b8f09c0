"""categorical_crossentropy expects one-hot labels; ours are integers 0..9."""

CAUGHT_BY = "test_loss_is_sparse_categorical_crossentropy"
HINT = 'one-hot'

def compile_model(model, learning_rate=1e-3):
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model
