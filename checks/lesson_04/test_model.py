"""Checks for lesson 04 · build_model, compile_model and augment.

The checks look at what the model *is* and *does* (layer types, units, activations, the
loss value on a known batch), not at how Keras prints it, so they hold across Keras versions.
Each function is also given arguments drawn at random for this run (the `drawn` fixture; the
run's seed is in the header), so a number typed in where an argument belongs is caught.
"""

import math
import re

import keras
import numpy as np
import pytest

from mnist_course.check_support.toolkit import (
    CheckFailure,
    activation_name,
    call,
    describe,
    error_words,
    expect,
    expect_accuracy_metric,
    expect_compiled_in_place,
    expect_sparse_categorical_loss,
    layer_names,
    learner_lines,
    output_or_error,
    random_layer_names,
    rounded,
    sublayers,
    type_name,
    with_channel_axis,
)


@pytest.fixture(scope="module")
def lesson(learner):
    return learner("04")


def built(lesson, *args, **kwargs):
    model = call("build_model", lesson.build_model, *args, **kwargs)
    expect(
        isinstance(model, keras.Model),
        "build_model",
        "a keras.Sequential model",
        type_name(model),
        "return keras.Sequential([...layers...])",
    )
    return model


def largest(factor) -> float:
    """A Keras factor is a number or a (low, high) pair; the size of the largest change."""
    values = factor if isinstance(factor, (list, tuple)) else [factor]
    return max(abs(float(value)) for value in values)


def test_model_maps_images_to_ten_probabilities(lesson):
    model = built(lesson)
    shape = tuple(getattr(model, "input_shape", None) or ())
    expect(
        shape == (None, 28, 28),
        "build_model",
        "an input of shape (28, 28) per image: keras.Input(shape=(28, 28))",
        f"input shape {shape[1:] if shape else 'unknown'}",
        "start with keras.Input(shape=(28, 28)): the MLP's images have no channel axis "
        "(augment's Reshape adds one inside the model where the random layers need it)",
    )
    batch = np.random.default_rng(0).random((4, 28, 28), dtype=np.float32)
    try:
        out = np.asarray(model(batch))
    except NotImplementedError:
        raise
    except Exception as error:  # noqa: BLE001
        expect(
            False,
            "build_model",
            "the model to accept a batch of shape (4, 28, 28)",
            error_words(error),
            "start with keras.Input(shape=(28, 28))",
        )
    expect(
        out.shape == (4, 10),
        "build_model",
        "output shape (4, 10) for 4 images: ten scores per image",
        describe(out),
        "did you Flatten first? Without Flatten, Dense works on each of the 28 rows separately"
        if out.ndim == 3
        else "the last layer must be Dense(10, ...)",
    )
    expect(
        np.allclose(out.sum(axis=1), 1.0, atol=1e-4),
        "build_model",
        "each image's ten outputs to sum to 1 (probabilities)",
        f"sums {rounded(out.sum(axis=1), 3)}",
        "a sigmoid scores each digit on its own, so the scores do not sum to 1; the digits "
        "exclude each other, so use activation='softmax'"
        if activation_name(model.layers[-1]) == "sigmoid"
        else "give the last Dense layer activation='softmax'",
    )


def test_layers_follow_the_recipe(lesson, drawn):
    model = built(lesson, hidden_units=(64, 32), dropout=0.0)
    names = layer_names(model)
    expect(
        names == ["Flatten", "Dense", "Dense", "Dense"],
        "build_model",
        "layers Flatten, Dense, Dense, Dense for hidden_units=(64, 32), dropout=0",
        f"layers {', '.join(names)}",
        "missing Flatten: add keras.layers.Flatten() right after keras.Input"
        if "Flatten" not in names
        else "one Dense per entry of hidden_units, then Dense(10); no Dropout when dropout=0",
    )
    dense = model.layers[1:]
    units = [layer.units for layer in dense]
    expect(
        units == [64, 32, 10],
        "build_model",
        "Dense layers of 64, 32 and 10 units",
        f"units {units}",
        "loop over hidden_units: for units in hidden_units: Dense(units, ...)",
    )
    activations = [activation_name(layer) for layer in dense]
    expect(
        activations == ["relu", "relu", "softmax"],
        "build_model",
        "activations relu, relu, softmax",
        f"activations {', '.join(activations)}",
        "hidden layers use activation='relu'; the output layer activation='softmax'",
    )
    hidden = tuple(int(units) for units in drawn.integers(8, 97, size=int(drawn.integers(1, 4))))
    rate = round(float(drawn.uniform(0.05, 0.5)), 2)
    model = built(lesson, hidden_units=hidden, dropout=rate)
    wanted = ["Flatten"] + ["Dense", "Dropout"] * len(hidden) + ["Dense"]
    units = [layer.units for layer in model.layers if type(layer).__name__ == "Dense"]
    rates = [layer.rate for layer in model.layers if type(layer).__name__ == "Dropout"]
    expect(
        layer_names(model) == wanted and units == [*hidden, 10] and all(abs(r - rate) < 1e-9 for r in rates),
        "build_model",
        f"for hidden_units={hidden}, dropout={rate} (drawn for this run): layers {', '.join(wanted)}, "
        f"Dense units {[*hidden, 10]}, Dropout rate {rate}",
        f"layers {', '.join(layer_names(model))}, Dense units {units}, Dropout rates {rates}",
        "build the layers from the arguments: for units in hidden_units: Dense(units, "
        "activation='relu'), then Dropout(dropout) when dropout > 0",
    )


def test_dropout_follows_each_hidden_layer(lesson):
    model = built(lesson, hidden_units=(64, 32), dropout=0.25)
    names = layer_names(model)
    expect(
        names == ["Flatten", "Dense", "Dropout", "Dense", "Dropout", "Dense"],
        "build_model",
        "Flatten, Dense, Dropout, Dense, Dropout, Dense when dropout=0.25",
        ", ".join(names),
        f"{', '.join(sorted(extra))} is none of the docstring's layers: the last Dense's "
        "activation='softmax' already gives the probabilities, so leave it out"
        if (extra := set(names) - {"Flatten", "Dense", "Dropout"})
        else "after each hidden Dense, add keras.layers.Dropout(dropout) if dropout > 0 "
        "(never after the output layer)",
    )
    rates = [layer.rate for layer in model.layers if type(layer).__name__ == "Dropout"]
    expect(
        all(abs(rate - 0.25) < 1e-9 for rate in rates),
        "build_model",
        "Dropout rate 0.25",
        f"rates {rates}",
        "pass the dropout argument on: keras.layers.Dropout(dropout)",
    )


def test_model_uses_the_augmentation(lesson):
    probe = keras.Sequential(
        [keras.layers.Reshape((28, 28, 1)), keras.layers.RandomTranslation(0.1, 0.1)], name="probe"
    )
    model = built(lesson, hidden_units=(16,), augmentation=probe)
    # Known by its name: when grading, the model comes back from another process.
    where = [type(layer).__name__ if layer.name != "probe" else "probe" for layer in model.layers]
    expect(
        "probe" in where and "Flatten" in where and where.index("probe") < where.index("Flatten"),
        "build_model",
        "the augmentation block as the first layer after keras.Input, before Flatten, when it "
        "is given",
        f"layers {', '.join(where)}",
        "if augmentation is not None: append it to the layer list right after keras.Input; "
        "it moves whole images, so it must come before Flatten unrolls them",
    )
    out, seen = output_or_error(lambda: model(np.zeros((4, 28, 28), dtype=np.float32)))
    expect(
        out is not None and out.shape == (4, 10),
        "build_model",
        "output shape (4, 10) for 4 images of (28, 28) with an augmentation block",
        seen,
        "keep keras.Input(shape=(28, 28)) first, then the block, then Flatten and the Dense layers",
    )
    plain = built(lesson, hidden_units=(16,))
    random_layers = random_layer_names(plain)
    expect(
        not random_layers,
        "build_model",
        "no random layers when augmentation=None",
        f"random layers {random_layers}",
        "add the augmentation only when it is given: `if augmentation is not None:`",
    )


@pytest.fixture
def compiled(lesson, reference):
    model = reference("04").build_model((16,))
    result = call("compile_model", lesson.compile_model, model, learning_rate=0.0037)
    expect_compiled_in_place(result, model, "compile_model")
    return model


def test_compiles_with_adam_at_the_given_learning_rate(compiled, lesson, reference, drawn):
    optimizer = compiled.optimizer
    expect(
        isinstance(optimizer, keras.optimizers.Adam),
        "compile_model",
        "the Adam optimizer",
        type_name(optimizer),
        "optimizer=keras.optimizers.Adam(learning_rate=learning_rate)",
    )
    rate = float(np.asarray(optimizer.learning_rate))
    expect(
        abs(rate - 0.0037) < 1e-7,
        "compile_model",
        "learning rate 0.0037 when compile_model(model, learning_rate=0.0037)",
        f"learning rate {rate:g}",
        "the string 'adam' always uses 0.001: pass keras.optimizers.Adam(learning_rate=learning_rate)",
    )
    wanted = round(float(10 ** drawn.uniform(-4, -2)), 6)  # drawn for this run
    model = call("compile_model", lesson.compile_model, reference("04").build_model((8,)), learning_rate=wanted)
    rate = float(np.asarray(model.optimizer.learning_rate)) if getattr(model, "optimizer", None) else float("nan")
    expect(
        abs(rate - wanted) < 1e-3 * wanted,
        "compile_model",
        f"learning rate {wanted:g} when compile_model(model, learning_rate={wanted:g}) (drawn for this run)",
        f"learning rate {rate:g}",
        "pass the argument on, whatever it is: keras.optimizers.Adam(learning_rate=learning_rate)",
    )


def test_loss_is_sparse_categorical_crossentropy(compiled):
    expect_sparse_categorical_loss(compiled, "compile_model")


def test_reports_accuracy(compiled):
    expect_accuracy_metric(compiled, "compile_model")


# --- augment ---------------------------------------------------------------------------------


def turns(factor: float) -> str:
    """What Keras makes of a rotation factor: '10 means 10 full turns = 3600 degrees'."""
    factor = abs(float(factor))
    if factor >= 1:
        return f"{factor:g} means {factor:g} full turn{'' if factor == 1 else 's'} = {factor * 360:g} degrees"
    return f"{factor:g} means {factor:g} of a full turn = {factor * 360:g} degrees"


ROTATION_HINT = (
    "Keras' RandomRotation factor is a fraction of a full turn (360 degrees), not degrees: "
    "0.02 x 360 = 7.2 degrees, and a 6 turned much further starts to look like a 9. Pass the "
    "rotation argument on as it is, RandomRotation(rotation); for a number of degrees d, "
    "write d / 360"
)


RADIANS_HINT = (
    "you converted the rotation to radians (x 2 pi): Keras' RandomRotation factor is already "
    "a fraction of a full turn, so pass it on as it is, RandomRotation(rotation)"
)


def built_block(lesson, **kwargs):
    try:
        block = call("augment", lesson.augment, **kwargs)
    except ValueError as error:
        # Keras refuses a rotation factor outside [-1, 1] ("Received: factor=10"): degrees, most
        # likely. The learner's line shows which layer; the factor says how far it would turn.
        refused = re.search(r"`factor` argument.*Received: factor=\(?(-?[\d.e+]+)", str(error), re.DOTALL)
        if not refused:
            raise
        lines = learner_lines(error, lesson)
        where = f" (line {lines[-1][0]}: {lines[-1][1].strip().rstrip(',')})" if lines else ""
        factor = float(refused.group(1))
        asked = ", ".join(f"{key}={value}" for key, value in kwargs.items())
        raise CheckFailure(
            "augment",
            "a RandomRotation factor between -1 and 1, a fraction of a full turn (360 degrees), "
            f"for augment({asked})",
            f"Keras refused the factor {factor:g}{where}: {turns(factor)}",
            ROTATION_HINT,
        ) from None
    expect(
        isinstance(block, keras.layers.Layer),
        "augment",
        "a Keras layer block, e.g. keras.Sequential([...random layers...])",
        type_name(block),
        "return keras.Sequential([RandomRotation(...), RandomTranslation(...), RandomZoom(...)])",
    )
    return block


def the_layer(block, name, function="augment"):
    found = [layer for layer in sublayers(block) if type(layer).__name__ == name]
    expect(
        len(found) == 1,
        function,
        f"one keras.layers.{name} in the block",
        f"layers {layer_names(block)}",
        f"add keras.layers.{name}(...) to the Sequential",
    )
    return found[0]


RANDOM_MOVES = ("RandomRotation", "RandomTranslation", "RandomZoom")


def test_augment_rotates_shifts_and_zooms(lesson, drawn):
    drawn_factors = [round(float(v), 3) for v in drawn.uniform(0.01, 0.1, size=3)]  # drawn for this run
    for rotation_f, shift_f, zoom_f in ((0.05, 0.08, 0.12), drawn_factors):
        block = built_block(lesson, rotation=rotation_f, shift=shift_f, zoom=zoom_f)
        flips = [type(layer).__name__ for layer in sublayers(block) if type(layer).__name__ == "RandomFlip"]
        expect(
            not flips,
            "augment",
            "Reshape, RandomRotation, RandomTranslation and RandomZoom: moves that leave a digit "
            "the digit its label says",
            f"layers {layer_names(block)}",
            "leave RandomFlip out: a mirrored 2, 3, 4, 7 or 9 is no digit at all, and a 6 flipped "
            "upside down reads as a 9 (flips suit photos of cats, not digits)",
        )
        rotation = the_layer(block, "RandomRotation").get_config()
        translation = the_layer(block, "RandomTranslation").get_config()
        zoom = the_layer(block, "RandomZoom").get_config()
        seen = (
            f"rotation factor {rotation['factor']}, translation factors "
            f"{translation['height_factor']}/{translation['width_factor']}, zoom factor "
            f"{zoom['height_factor']}"
        )
        expect(
            math.isclose(largest(rotation["factor"]), rotation_f)
            and math.isclose(largest(translation["height_factor"]), shift_f)
            and math.isclose(largest(translation["width_factor"]), shift_f)
            and math.isclose(largest(zoom["height_factor"]), zoom_f),
            "augment",
            f"factors {rotation_f} (rotation), {shift_f} (both shifts), {zoom_f} (zoom) for "
            f"augment(rotation={rotation_f}, shift={shift_f}, zoom={zoom_f})"
            + ("" if rotation_f == 0.05 else " (drawn for this run)"),
            seen + (f" ({turns(largest(rotation['factor']))})" if largest(rotation["factor"]) > 1 else ""),
            ROTATION_HINT if largest(rotation["factor"]) > 1
            else RADIANS_HINT if math.isclose(largest(rotation["factor"]), rotation_f * 2 * math.pi, rel_tol=1e-3)
            else "pass the arguments on: RandomRotation(rotation), RandomTranslation(shift, shift), "
            "RandomZoom(zoom)",
        )


    expect(
        block.name == "augment",
        "augment",
        "a keras.Sequential named 'augment', as the docstring says",
        f"{type_name(block)} named {block.name!r}",
        "keras.Sequential([...], name='augment'): the name is what model.summary() prints for "
        "the block inside the model",
    )
    moves = [name for name in layer_names(block) if name in RANDOM_MOVES]
    expect(
        moves == list(RANDOM_MOVES),
        "augment",
        "the random layers in the docstring's order: RandomRotation, RandomTranslation, RandomZoom "
        "(`mnist-course train` replays the block's moves in that order)",
        f"layers {layer_names(block)}",
        "list them as the docstring does: rotate, then shift, then zoom (a zoom before a shift moves "
        "the digit by a zoomed amount)",
    )


def test_augment_keeps_changes_small(lesson):
    block = built_block(lesson)
    turn = largest(the_layer(block, "RandomRotation").get_config()["factor"])
    expect(
        0 < turn <= 0.1,
        "augment",
        "a default rotation of at most 0.1 of a full turn (36 degrees)",
        f"RandomRotation factor {turn:g}: Keras reads it as a fraction of a full turn, so {turns(turn)}",
        "the factor is a fraction of a full turn, not degrees or radians: for d degrees write "
        "d / 360 (0.03 is about 11 degrees). Turned too far, a 6 becomes a 9",
    )


def test_augment_fills_the_border_with_black(lesson):
    block = built_block(lesson)
    white = np.ones((16, 28, 28, 1), dtype=np.float32)
    keras.utils.set_random_seed(0)
    out = np.asarray(block(white, training=True))
    bordered = int(np.sum(out.reshape(16, -1).min(axis=1) < 0.5))
    fills = {
        type(layer).__name__: layer.get_config().get("fill_mode") for layer in sublayers(block)
    }
    # The settings first: they name the layer to fix, where the count below depends on
    # the random moves drawn.
    left = {name: mode for name, mode in fills.items() if name.startswith("Random")
            and (mode != "constant" or layer_fill_value(block, name) != 0.0)}  # fmt: skip
    expect(
        not left,
        "augment",
        "fill_mode='constant' with fill_value=0.0 on every random layer (rotation, "
        "translation and zoom)",
        ", ".join(f"{name} fill_mode={mode!r}" + (f", fill_value={layer_fill_value(block, name):g}"
                                                  if mode == "constant" else "")
                  for name, mode in left.items()),
        f"{' and '.join(strangers)} takes no fill_mode: it is none of the block's layers (Reshape, "
        "RandomRotation, RandomTranslation, RandomZoom), so leave it out"
        if (strangers := [name for name, mode in left.items() if mode is None])
        else "the border is filled with fill_value: 0.0 is black, the paper of an MNIST digit; "
        "1.0 is white, which reads as ink"
        if all(mode == "constant" for mode in left.values())
        else "each random layer has its own fill_mode: pass fill_mode='constant', fill_value=0.0 to "
        "RandomRotation, RandomTranslation and RandomZoom; left on 'reflect', a zoom out mirrors "
        "strokes into the border",
    )
    expect(
        bordered >= 12,
        "augment",
        "black (0) in the border a move uncovers: at least 12 of 16 all-white images get "
        "some black pixels",
        f"{bordered} of 16 (fill modes {fills})",
        "give every random layer fill_mode='constant', fill_value=0.0; Keras' default "
        "'reflect' mirrors pieces of the stroke into the border",
    )


def layer_fill_value(block, name):
    layer = [layer for layer in sublayers(block) if type(layer).__name__ == name][0]
    return float(layer.get_config().get("fill_value", 0.0))


def test_augment_moves_digits_only_while_training(lesson, small_train):
    block = built_block(lesson)
    digits = with_channel_axis(small_train[0][:16])
    kept = np.asarray(block(digits, training=False))
    expect(
        kept.shape == digits.shape and np.allclose(kept, digits),
        "augment",
        "images unchanged when training=False (prediction)",
        f"{describe(kept)}, max change {np.max(np.abs(kept - digits)) if kept.shape == digits.shape else 'n/a'}",
        "use Keras' Random* preprocessing layers: they act only while training",
    )
    keras.utils.set_random_seed(0)
    moved = np.asarray(block(digits, training=True))
    changed = int(np.sum(np.abs(moved - digits).reshape(16, -1).max(axis=1) > 0.1))
    expect(
        moved.shape == digits.shape and changed >= 12,
        "augment",
        "a batch of the same shape with (almost) every image moved when training=True",
        f"{describe(moved)}, {changed} of 16 images changed",
        "factors of 0 change nothing: use the rotation, shift and zoom arguments",
    )


def test_augment_gives_images_a_channel_axis(lesson, small_train):
    block = built_block(lesson)
    digits = np.asarray(small_train[0][:8], dtype=np.float32)
    out, seen = output_or_error(lambda: block(digits, training=False))
    expect(
        out is not None and out.shape == (8, 28, 28, 1) and np.allclose(out, with_channel_axis(digits)),
        "augment",
        "a batch of (8, 28, 28) MLP images back as (8, 28, 28, 1), unchanged, when "
        "training=False",
        seen,
        "Keras' image layers read the last axis as colour channels: start the Sequential "
        "with keras.layers.Reshape((28, 28, 1))",
    )
    keras.utils.set_random_seed(0)
    alone = np.zeros_like(digits)
    alone[0] = digits[0]  # ink in the first image only
    moved, seen = output_or_error(lambda: block(alone, training=True))
    leaked = float(np.abs(moved[1:]).max()) if moved is not None and moved.shape == (8, 28, 28, 1) else None
    filled = {name: layer_fill_value(block, name) for name in layer_names(block) if name.startswith("Random")}
    if leaked is not None and leaked >= 0.05 and any(value != 0.0 for value in filled.values()):
        pytest.skip("waits for the border's fill: a fill_value other than 0.0 puts 'ink' in a blank "
                    "image (see the fill check)")
    expect(
        leaked is not None and leaked < 0.05,
        "augment",
        "each image of an (8, 28, 28) MLP batch moved on its own when training=True: ink put in "
        "the first image only stays there",
        f"ink in the other images (up to {leaked:.2f})" if leaked is not None else seen,
        "Reshape((28, 28, 1)) comes first: before it, the random layers read an (n, 28, 28) batch "
        "as one picture n pixels high with 28 colour channels, and move the images into each other",
    )
