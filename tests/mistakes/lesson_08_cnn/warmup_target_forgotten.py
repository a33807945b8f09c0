"""Leaves out warmup_target: CosineDecay then starts at initial_learning_rate=0.0 and stays
there, so the CNN never learns; the learning check must blame compile_cnn, not build_cnn."""

CAUGHT_BY = "test_the_cnn_learns"
HINT = "the learning rate compile_cnn sets"


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
