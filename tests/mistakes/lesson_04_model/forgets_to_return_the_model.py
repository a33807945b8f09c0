"""Compiles but forgets `return model`: the caller gets None."""

CAUGHT_BY = "test_compiles_with_adam_at_the_given_learning_rate"
HINT = 'forget the `return` statement'

def compile_model(model, learning_rate=1e-3):
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
