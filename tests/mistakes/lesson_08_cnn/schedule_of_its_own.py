"""Writes the warm-up and cosine as a LearningRateSchedule class of its own: the formula is
right, but Keras cannot rebuild the class from a saved model's settings (the docstring asks
for Keras' CosineDecay)."""

CAUGHT_BY = "test_compile_cnn_warms_up_then_decays"
HINT = "a schedule class of your own cannot be read back"


class WarmCosine(keras.optimizers.schedules.LearningRateSchedule):
    def __init__(self, peak, warmup, total):
        self.peak, self.warmup, self.total = peak, warmup, total

    def __call__(self, step):
        import math

        step = float(step)
        if step < self.warmup:
            return self.peak * step / self.warmup
        done = min(step - self.warmup, self.total - self.warmup) / (self.total - self.warmup)
        return self.peak * 0.5 * (1 + math.cos(math.pi * done))

    def get_config(self):
        return {"peak": self.peak, "warmup": self.warmup, "total": self.total}


def compile_cnn(model, total_steps, peak_learning_rate=3e-3, warmup_fraction=0.1):
    schedule = WarmCosine(peak_learning_rate, int(total_steps * warmup_fraction), total_steps)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
