"""Copies from_logits=True from a tutorial whose model ends in raw scores; ours ends in softmax,
so the loss applies a second softmax to probabilities."""

CAUGHT_BY = "test_loss_is_sparse_categorical_crossentropy"
HINT = "from_logits"


def compile_model(model, learning_rate=1e-3):
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model
