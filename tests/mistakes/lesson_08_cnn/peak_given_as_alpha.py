"""Gives the peak as CosineDecay's alpha (the fraction it decays to) instead of as its
warmup_target: with no target there is no warm-up, and the rate stays at 0.0 from start to
end. The schedule check must name warmup_target, not the warm-up arithmetic."""

CAUGHT_BY = "test_compile_cnn_warms_up_then_decays"
HINT = "pass warmup_target=peak_learning_rate"


def compile_cnn(model, total_steps, peak_learning_rate=3e-3, warmup_fraction=0.1):
    warmup_steps = int(total_steps * warmup_fraction)
    schedule = keras.optimizers.schedules.CosineDecay(
        0.0, total_steps - warmup_steps, alpha=peak_learning_rate, warmup_steps=warmup_steps,
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule),
                  loss=keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
    return model
