"""Asks for metrics=["acc"], Keras' short name: the model reports "acc", and lesson 05's
history_frame and plot_history, which read history["accuracy"], find nothing."""

CAUGHT_BY = "test_reports_accuracy"
HINT = "but then reports 'acc'"


def compile_model(model, learning_rate=1e-3):
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["acc"],
    )
    return model
