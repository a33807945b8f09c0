"""Checks for lesson 08 · build_cnn and compile_cnn.

The checks look at what the layers *do* (is a batch of white images given a black border?
does prediction leave images alone?) and at layer configs, not at how Keras prints a model,
so they hold across Keras versions. The one real training run uses 1,000 images for four
epochs; the full training lives in `mnist-course train --model cnn` and the benchmark. Both
functions are also given arguments drawn at random for this run (the `drawn` fixture; the
run's seed is in the header), so a number typed in where an argument belongs is caught.
"""

import math

import keras
import numpy as np
import pytest

from mnist_course.check_support.toolkit import (
    activation_name,
    call,
    describe,
    error_words,
    expect,
    expect_accuracy_metric,
    expect_compiled_in_place,
    expect_sparse_categorical_loss,
    layer_names,
    output_or_error,
    random_layer_names,
    rounded,
    skip_unless_sparse_loss,
    type_name,
    with_channel_axis,
)


@pytest.fixture(scope="module")
def lesson(learner):
    return learner("08")


# --- build_cnn -------------------------------------------------------------------------------


def built(lesson, *args, **kwargs):
    try:
        model = call("build_cnn", lesson.build_cnn, *args, **kwargs)
    except ValueError as error:  # Keras refuses to stack layers whose shapes do not fit
        text = error_words(error).removeprefix("ValueError: ")
        expect(
            False,
            "build_cnn",
            "keras.Sequential to accept the layers (each one's output fits the next one's input)",
            f"ValueError: {text}",
            "a convolution wants images with a channel axis: start with "
            "keras.Input(shape=(28, 28, 1))"
            if "ndim=3" in text or "min_ndim=4" in text
            else "compare your layer list with the docstring's, one by one",
        )
    expect(
        isinstance(model, keras.Model),
        "build_cnn",
        "a keras.Sequential model",
        type_name(model),
        "return keras.Sequential([...layers...])",
    )
    return model


@pytest.fixture(scope="module")
def default_cnn(lesson):
    """build_cnn() with its defaults, once for the checks that only look at it (a build, and
    when grading a model sent back from the worker, costs more than what they look at)."""
    return built(lesson)


def test_cnn_maps_images_to_ten_probabilities(default_cnn):
    model = default_cnn
    batch = np.random.default_rng(0).random((4, 28, 28, 1), dtype=np.float32)
    try:
        out = np.asarray(model(batch))
    except NotImplementedError:
        raise
    except Exception as error:  # noqa: BLE001
        expect(
            False,
            "build_cnn",
            "the model to accept a batch of shape (4, 28, 28, 1)",
            error_words(error),
            "start with keras.Input(shape=(28, 28, 1)): a convolution wants a channel axis",
        )
    expect(
        out.shape == (4, 10),
        "build_cnn",
        "output shape (4, 10) for 4 images: ten scores per image",
        describe(out),
        "Flatten() after the last pooling layer, then the Dense layers; the last is Dense(10)",
    )
    expect(
        np.allclose(out.sum(axis=1), 1.0, atol=1e-4),
        "build_cnn",
        "each image's ten outputs to sum to 1 (probabilities)",
        f"sums {rounded(out.sum(axis=1), 3)}",
        "a sigmoid scores each digit on its own, so the scores do not sum to 1; use "
        "activation='softmax' on the last Dense layer"
        if activation_name(model.layers[-1]) == "sigmoid"
        else "give the last Dense layer activation='softmax': it turns ten scores into "
        "probabilities that sum to 1",
    )


def test_cnn_layers_follow_the_recipe(lesson, drawn):
    model = built(lesson, filters=(8, 16), dense_units=32, dropout=0.3)
    names = layer_names(model)
    wanted = ["Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "BatchNormalization",
              "Flatten", "Dropout", "Dense", "Dropout", "Dense"]  # fmt: skip
    expect(
        names == wanted,
        "build_cnn",
        f"layers {', '.join(wanted)} for filters=(8, 16) and no augmentation",
        f"layers {', '.join(names)}",
        "no Conv2D: an MLP cannot tell neighbouring pixels apart; add Conv2D blocks"
        if "Conv2D" not in names
        else "one Conv2D + MaxPooling2D(2) block per entry of filters, then "
        "BatchNormalization, Flatten, Dropout, Dense, Dropout, Dense(10)",
    )
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    seen = [(layer.filters, tuple(layer.kernel_size), activation_name(layer)) for layer in convs]
    expect(
        seen == [(8, (3, 3), "relu"), (16, (3, 3), "relu")],
        "build_cnn",
        "Conv2D layers with 8 then 16 filters, 3x3 kernels, relu",
        f"(filters, kernel, activation) {seen}",
        "Conv2D(count, 3, activation='relu') for count in filters",
    )
    dense = [(layer.units, activation_name(layer)) for layer in model.layers
             if isinstance(layer, keras.layers.Dense)]  # fmt: skip
    rates = [layer.rate for layer in model.layers if isinstance(layer, keras.layers.Dropout)]
    expect(
        dense == [(32, "relu"), (10, "softmax")] and all(math.isclose(r, 0.3) for r in rates),
        "build_cnn",
        "Dense(32, relu) and Dense(10, softmax), Dropout rate 0.3, for dense_units=32, "
        "dropout=0.3",
        f"Dense {dense}, Dropout rates {rates}",
        "the hidden Dense layer uses activation='relu', the output layer Dense(10, "
        "activation='softmax')"
        if [activation for _, activation in dense] != ["relu", "softmax"]
        else "pass dense_units and dropout on to the Dense and Dropout layers",
    )
    # Arguments drawn for this run; at most two blocks (a third would shrink 5x5 maps to nothing).
    filters = [int(f) for f in drawn.integers(2, 17, size=int(drawn.integers(1, 3)))]
    if len(filters) == 2 and filters[1] == 2 * filters[0]:
        filters[1] += 1  # never the doubling of (8, 16), which a rule of thumb could guess
    filters = tuple(filters)
    units, rate = int(drawn.integers(8, 65)), round(float(drawn.uniform(0.1, 0.6)), 2)
    model = built(lesson, filters=filters, dense_units=units, dropout=rate)
    seen = ([layer.filters for layer in model.layers if isinstance(layer, keras.layers.Conv2D)],
            [layer.units for layer in model.layers if isinstance(layer, keras.layers.Dense)],
            [layer.rate for layer in model.layers if isinstance(layer, keras.layers.Dropout)])
    expect(
        seen[0] == list(filters) and seen[1] == [units, 10] and len(seen[2]) == 2
        and all(math.isclose(r, rate) for r in seen[2]),
        "build_cnn",
        f"for filters={filters}, dense_units={units}, dropout={rate} (drawn for this run): "
        f"Conv2D filters {list(filters)}, Dense units [{units}, 10], two Dropout layers of rate {rate}",
        f"Conv2D filters {seen[0]}, Dense units {seen[1]}, Dropout rates {seen[2]}",
        "build the layers from the arguments: one Conv2D(count, 3, activation='relu') + "
        "MaxPooling2D(2) per entry of filters, Dense(dense_units, ...), Dropout(dropout)",
    )


def test_cnn_has_the_documented_size(default_cnn):
    model = default_cnn
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    paddings = sorted({layer.get_config().get("padding") for layer in convs})
    expect(
        model.count_params() == 225_290,
        "build_cnn",
        "225,290 parameters for build_cnn() with its defaults, as the guide works out",
        f"{model.count_params():,} parameters (Conv2D padding {paddings})",
        "padding='same' keeps every feature map 28x28 wide, so Flatten hands the Dense layer "
        "almost twice as many numbers: leave Conv2D on its default padding ('valid')"
        if "same" in paddings
        else "follow the recipe exactly: Conv2D(count, 3, activation='relu'), MaxPooling2D(2), "
        "and the layers listed in the docstring",
    )


def test_cnn_uses_the_augmentation(lesson, default_cnn):
    probe = keras.Sequential([keras.layers.RandomTranslation(0.1, 0.1)], name="probe")
    model = built(lesson, augmentation=probe)
    # Known by name: when grading, the model comes back from another process.
    names = {"probe"} | {layer.name for layer in probe.layers}
    inside = [layer for layer in model.layers if layer.name in names]
    expect(
        bool(inside) and type(model.layers[0]).__name__ != "Conv2D",
        "build_cnn",
        "the augmentation block as the first layer after keras.Input when it is given",
        f"layers {', '.join(layer_names(model))}",
        "if augmentation is not None: put it in the layer list right after keras.Input, "
        "before the first Conv2D",
    )
    out, seen = output_or_error(lambda: model(np.zeros((4, 28, 28, 1), dtype=np.float32)))
    expect(
        out is not None and out.shape == (4, 10),
        "build_cnn",
        "output shape (4, 10) for 4 images with an augmentation block",
        seen,
        "keep keras.Input(shape=(28, 28, 1)) first, then the block, then the Conv2D layers: "
        "a Sequential takes its Input before any layer",
    )
    random_layers = random_layer_names(default_cnn)
    expect(
        not random_layers,
        "build_cnn",
        "no random layers when augmentation=None",
        f"random layers {random_layers}",
        "add the augmentation only when it is given: `if augmentation is not None:`",
    )


# --- compile_cnn -----------------------------------------------------------------------------


def expected_rate(step, total, peak, warmup):
    """Warm-up from 0 to `peak`, then a cosine down to 0 at `total`: the spec's formula."""
    if step < warmup:
        return peak * step / warmup
    return peak * 0.5 * (1 + math.cos(math.pi * min(step - warmup, total - warmup) / (total - warmup)))


def rebuilt(setting: dict):
    """The schedule Keras rebuilds from an optimizer's learning-rate settings, or None when it
    cannot: a schedule class of the learner's own is not one Keras knows."""
    try:
        schedule = keras.optimizers.schedules.deserialize(setting)
    except Exception:  # noqa: BLE001 - whatever Keras raises for a class it does not know
        return None
    return schedule if callable(schedule) else None


OWN_SCHEDULE = ("use Keras' own keras.optimizers.schedules.CosineDecay(initial_learning_rate=0.0, "
                "..., warmup_target=..., warmup_steps=...), as the docstring says: a schedule class "
                "of your own cannot be read back from a saved model")


def schedule_problem(model, total, peak=3e-3, fraction=0.1) -> str | None:
    """What is wrong with the learning rate compile_cnn gave `model` for `total` steps and its
    default peak and warm-up, or None when it follows the spec."""
    warmup = int(total * fraction)
    setting = model.optimizer.get_config()["learning_rate"] if getattr(model, "optimizer", None) else None
    if not isinstance(setting, dict):
        return f"a constant learning rate {setting}"
    schedule = rebuilt(setting)
    if schedule is None:
        return f"a schedule Keras cannot rebuild ({setting.get('class_name')}): {OWN_SCHEDULE}"
    steps = sorted({0, warmup // 2, warmup, (warmup + total) // 2, total})
    seen = [float(schedule(step)) for step in steps]
    wanted = [expected_rate(step, total, peak, warmup) for step in steps]
    if np.allclose(seen, wanted, atol=peak * 5e-3):
        return None
    return (f"learning rates {rounded(seen, 6)} at steps {steps}, where the schedule "
            f"wants {rounded(wanted, 6)}")


@pytest.fixture
def compiled(lesson, reference):
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])  # fmt: skip
    result = call(
        "compile_cnn", lesson.compile_cnn, model, total_steps=1000, peak_learning_rate=0.004,
        warmup_fraction=0.2,
    )  # fmt: skip
    expect_compiled_in_place(result, model, "compile_cnn")
    return model


def test_compile_cnn_warms_up_then_decays(compiled, lesson, drawn):
    optimizer = compiled.optimizer
    expect(
        isinstance(optimizer, keras.optimizers.Adam),
        "compile_cnn",
        "the Adam optimizer",
        type_name(optimizer),
        "optimizer=keras.optimizers.Adam(learning_rate=schedule)",
    )
    setting = optimizer.get_config()["learning_rate"]
    expect(
        isinstance(setting, dict),
        "compile_cnn",
        "a learning-rate schedule (it changes at every step)",
        f"a constant learning rate {setting}",
        "pass a keras.optimizers.schedules.CosineDecay(...) as Adam's learning_rate, "
        "not a number",
    )
    schedule = rebuilt(setting)
    expect(
        schedule is not None,
        "compile_cnn",
        "a keras.optimizers.schedules.CosineDecay with a warm-up",
        f"a schedule Keras cannot rebuild from its settings ({setting.get('class_name')})",
        OWN_SCHEDULE,
    )
    steps = [0, 100, 200, 400, 600, 800, 1000]
    seen = [float(schedule(step)) for step in steps]
    wanted = [expected_rate(step, 1000, 0.004, 200) for step in steps]
    expect(
        np.allclose(seen, wanted, atol=2e-5),
        "compile_cnn",
        f"learning rates {rounded(wanted, 5)} at steps {steps} for total_steps=1000, "
        "peak_learning_rate=0.004, warmup_fraction=0.2",
        f"{rounded(seen, 5)}",
        "warm up from 0: CosineDecay(initial_learning_rate=0.0, decay_steps=total_steps - "
        "warmup_steps, warmup_target=peak_learning_rate, warmup_steps=warmup_steps)"
        if seen[0] > 1e-6
        else "the rate never leaves 0: CosineDecay warms up to its warmup_target, so pass "
        "warmup_target=peak_learning_rate (initial_learning_rate=0.0 is only where it starts)"
        if max(seen) < 1e-9
        else "warmup_steps = int(total_steps * warmup_fraction), and the decay takes the "
        "remaining total_steps - warmup_steps",
    )
    # A schedule drawn for this run.
    total, peak = int(drawn.integers(100, 5000)), round(float(10 ** drawn.uniform(-3.5, -2)), 5)
    fraction = round(float(drawn.uniform(0.05, 0.3)), 2)
    warmup = int(total * fraction)
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])  # fmt: skip
    model = call("compile_cnn", lesson.compile_cnn, model, total_steps=total, peak_learning_rate=peak,
                 warmup_fraction=fraction)  # fmt: skip
    setting = model.optimizer.get_config()["learning_rate"] if getattr(model, "optimizer", None) else None
    steps = sorted({0, warmup // 2, warmup, (warmup + total) // 2, total})
    seen = ([float(keras.optimizers.schedules.deserialize(setting)(step)) for step in steps]
            if isinstance(setting, dict) else [])
    wanted = [expected_rate(step, total, peak, warmup) for step in steps]
    expect(
        len(seen) == len(wanted) and np.allclose(seen, wanted, atol=peak * 5e-3),
        "compile_cnn",
        f"learning rates {rounded(wanted, 6)} at steps {steps} for total_steps={total}, "
        f"peak_learning_rate={peak}, warmup_fraction={fraction} (drawn for this run)",
        f"{rounded(seen, 6)}" if seen else f"a constant learning rate {setting}",
        "build the schedule from the arguments: warmup_steps = int(total_steps * warmup_fraction), "
        "CosineDecay(initial_learning_rate=0.0, decay_steps=total_steps - warmup_steps, "
        "warmup_target=peak_learning_rate, warmup_steps=warmup_steps)",
    )


def test_compile_cnn_uses_sparse_categorical_crossentropy(compiled):
    expect_sparse_categorical_loss(compiled, "compile_cnn")


def test_compile_cnn_reports_accuracy(compiled):
    expect_accuracy_metric(compiled, "compile_cnn")


# --- all three together ----------------------------------------------------------------------


# The one real training: 1,000 images seen 4 times teach as much as 2,000 seen 3 times in two
# thirds of the time (each step costs the same, there are fewer of them). What it gives the
# reference CNN depends on its starting weights: 0.91-0.95 of the 1,000 held-out images for
# seeds 0-10 (0.95 at seed 0, the check's); in the same budget a plain MLP reads 0.90 and a
# linear model 0.84. The bar sits well below the reference's worst seed, so a right CNN passes
# whatever its starting weights or the machine's arithmetic (a bar of 0.93 failed the reference
# at 4 of those 11 seeds); tests/test_learning_checks.py trains it at its worst ones. The
# guide's "Check it" section says the same (docs/lessons/08-cnn.md).
LEARNING_IMAGES, LEARNING_EPOCHS, LEARNING_BATCH = 1000, 4, 32
PASS_ACCURACY = 0.88


def learning_run(lesson, small_train, small_test, seed: int = 0) -> tuple[float, str | None]:
    """The learner's CNN trained on the check's budget from `seed`'s starting weights: its
    accuracy on 1,000 held-out images, and what is wrong with its learning rate (or None)."""
    x, y = small_train
    x_train, y_train = with_channel_axis(x[:LEARNING_IMAGES]), y[:LEARNING_IMAGES]
    x_test, y_test = with_channel_axis(small_test[0][:1000]), small_test[1][:1000]
    keras.utils.set_random_seed(seed)
    # No augmentation here: on so small a budget it slows learning down, and the checks
    # above already test what it does. This check is about the network and its schedule.
    model = built(lesson)
    steps = math.ceil(len(x_train) / LEARNING_BATCH) * LEARNING_EPOCHS
    model = call("compile_cnn", lesson.compile_cnn, model, total_steps=steps)
    skip_unless_sparse_loss(model, "compile_cnn")  # the loss check says what is wrong
    schedule = schedule_problem(model, steps)  # read before training: a slow learner has a suspect
    # Eight batches per graph call instead of one: the same steps and the same weights, with a
    # fraction of the per-call overhead, which is most of a small CNN's step on a busy machine.
    model.steps_per_execution = 8
    # The optimizer's slots made now rather than inside the first traced step: a step that makes
    # variables is traced twice, and that second trace was a sixth of this check's time.
    try:
        model.optimizer.build(model.trainable_variables)
    except Exception:  # noqa: BLE001 - an optimizer that will not build early builds in fit()
        pass
    model.fit(x_train, y_train, epochs=LEARNING_EPOCHS, batch_size=LEARNING_BATCH, verbose=0)
    # One direct call scores the 1,000 images: model.predict would first trace a graph.
    predicted = np.argmax(np.asarray(model(x_test, training=False)), axis=1)
    return float(np.mean(predicted == y_test)), schedule


def test_the_cnn_learns(lesson, small_train, small_test):
    """build_cnn and compile_cnn together: a few seconds of training must teach it digits."""
    accuracy, schedule = learning_run(lesson, small_train, small_test)
    wanted = (f"test accuracy of at least {PASS_ACCURACY} after {LEARNING_EPOCHS} epochs on "
              f"{LEARNING_IMAGES:,} images")  # fmt: skip
    if accuracy < PASS_ACCURACY and schedule:  # the network may be fine: its learning rate was not
        expect(
            False,
            "compile_cnn",
            f"{wanted}, with the learning rate warming up from 0 to its peak and decaying "
            "back to 0",
            f"{accuracy:.3f}; {schedule}",
            "the network could not learn on the learning rate compile_cnn sets: warm up from 0 to "
            "peak_learning_rate (warmup_target=peak_learning_rate, warmup_steps=warmup_steps), "
            "then decay over total_steps - warmup_steps",
        )
    expect(
        accuracy >= PASS_ACCURACY,
        "build_cnn",
        wanted,
        f"{accuracy:.3f}",
        "the learning rate follows its schedule, so look at the network: do the Conv2D layers "
        "use activation='relu', one MaxPooling2D after each, and softmax at the end?",
    )
