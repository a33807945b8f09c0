"""Binary cross-entropy for a ten-class problem, copied from a two-class tutorial."""

CAUGHT_BY = "test_loss_is_sparse_categorical_crossentropy"
HINT = 'binary cross-entropy treats the ten digits'

def compile_model(model, learning_rate=1e-3):
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model
