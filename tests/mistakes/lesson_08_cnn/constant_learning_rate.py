"""Adam given the peak learning rate as a plain number: no warm-up and no decay."""

CAUGHT_BY = "test_compile_cnn_warms_up_then_decays"
HINT = "not a number"


def compile_cnn(model, total_steps, peak_learning_rate=3e-3, warmup_fraction=0.1):
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=peak_learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=["accuracy"],
    )
    return model
