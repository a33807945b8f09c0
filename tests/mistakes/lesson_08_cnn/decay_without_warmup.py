"""CosineDecay started at the peak (initial_learning_rate=peak): the schedule decays but never
warms up, so the first steps on random weights are the largest."""

CAUGHT_BY = "test_compile_cnn_warms_up_then_decays"
HINT = "warm up from 0"


def compile_cnn(model, total_steps, peak_learning_rate=3e-3, warmup_fraction=0.1):
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=peak_learning_rate, decay_steps=total_steps
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=schedule),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=["accuracy"],
    )
    return model
