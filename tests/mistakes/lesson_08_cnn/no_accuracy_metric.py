"""Compiles the CNN without metrics=["accuracy"]: training reports only the loss."""

CAUGHT_BY = "test_compile_cnn_reports_accuracy"
HINT = "metrics=['accuracy']"


def compile_cnn(model, total_steps, peak_learning_rate=3e-3, warmup_fraction=0.1):
    warmup_steps = int(total_steps * warmup_fraction)
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=0.0, decay_steps=total_steps - warmup_steps,
        warmup_target=peak_learning_rate, warmup_steps=warmup_steps,
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule),
                  loss=keras.losses.SparseCategoricalCrossentropy())
    return model
