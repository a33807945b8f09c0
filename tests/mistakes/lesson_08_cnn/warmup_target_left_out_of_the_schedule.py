"""Leaves out warmup_target: the schedule starts at 0.0 and stays there; the schedule check
must name the missing argument, not the warm-up arithmetic the learner already has."""

CAUGHT_BY = "test_compile_cnn_warms_up_then_decays"
HINT = "pass warmup_target=peak_learning_rate"


def compile_cnn(model, total_steps, peak_learning_rate=3e-3, warmup_fraction=0.1):
    warmup_steps = int(total_steps * warmup_fraction)
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=0.0,
        decay_steps=total_steps - warmup_steps,
        warmup_steps=warmup_steps,
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=schedule),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=["accuracy"],
    )
    return model
