"""Checks for lesson 04 · build_model and compile_model.

The checks look at what the model *is* and *does* (layer types, units, activations, the
loss value on a known batch), not at how Keras prints it, so they hold across Keras versions.
"""

import keras
import numpy as np
import pytest

from mnist_course.checking import call, describe, expect, type_name, expect_sparse_categorical_loss


@pytest.fixture(scope="module")
def lesson(learner):
    return learner("04")


def activation_name(layer) -> str:
    activation = getattr(layer, "activation", None)
    return getattr(activation, "__name__", str(activation))


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


def layer_names(model):
    return [type(layer).__name__ for layer in model.layers]


def test_model_maps_images_to_ten_probabilities(lesson):
    model = built(lesson)
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
            f"{type(error).__name__}: {str(error).splitlines()[0][:200]}",
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
        f"sums {np.round(out.sum(axis=1), 3).tolist()}",
        "a sigmoid scores each digit on its own, so the scores do not sum to 1; the digits "
        "exclude each other, so use activation='softmax'"
        if activation_name(model.layers[-1]) == "sigmoid"
        else "give the last Dense layer activation='softmax'",
    )


def test_layers_follow_the_recipe(lesson):
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


def test_dropout_follows_each_hidden_layer(lesson):
    model = built(lesson, hidden_units=(64, 32), dropout=0.25)
    names = layer_names(model)
    expect(
        names == ["Flatten", "Dense", "Dropout", "Dense", "Dropout", "Dense"],
        "build_model",
        "Flatten, Dense, Dropout, Dense, Dropout, Dense when dropout=0.25",
        ", ".join(names),
        "after each hidden Dense, add keras.layers.Dropout(dropout) if dropout > 0 "
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


@pytest.fixture
def compiled(lesson, reference):
    model = reference("04").build_model((16,))
    result = call("compile_model", lesson.compile_model, model, learning_rate=0.0037)
    expect(
        result is model,
        "compile_model",
        "the same model object, compiled",
        type_name(result),
        "call model.compile(...), then `return model`",
    )
    return model


def test_compiles_with_adam_at_the_given_learning_rate(compiled):
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


def test_loss_is_sparse_categorical_crossentropy(compiled):
    expect_sparse_categorical_loss(compiled, "compile_model")


def test_reports_accuracy(compiled):
    x = np.zeros((8, 28, 28), dtype=np.float32)
    results = compiled.evaluate(x, np.zeros(8, dtype=int), verbose=0, return_dict=True)
    expect(
        any("accuracy" in name for name in results),
        "compile_model",
        "an accuracy metric in evaluate()'s results",
        f"results {sorted(results)}",
        "metrics=['accuracy']",
    )
