"""What the course's own tools need back from each lesson function they call.

`mnist-course train`, `evaluate` and `predict` hand one lesson's result to the next lesson
and to Keras. A value of the wrong kind (a list where an array goes, one array where a pair
goes, a model whose output has 9 values) would fail far away, in Keras or in the course's
own code, and be told as the wrong lesson's mistake or as a course bug. So each result is
looked at where it comes out (`Implementation.function`), and a wrong one is said in one line
that names its lesson and function. The checks test these and much more; this is only what
the tools cannot do without.

Duck-typed, and Keras is never imported here: lessons 01-03 stay fast.
"""

from __future__ import annotations

import numbers

import numpy as np


def seen(value) -> str:
    """What a value is, in a few words: "a list of 3", "a float64 array of shape (2, 3)"."""
    if isinstance(value, np.ndarray):
        return f"a {value.dtype} array of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)}"
    return f"a {type(value).__module__.split('.')[0]}.{type(value).__qualname__}".replace("a builtins.", "a ")


def _float_array(value) -> str | None:
    if not isinstance(value, np.ndarray):
        return f"{seen(value)}, not a NumPy array of floats"
    if not np.issubdtype(value.dtype, np.floating):
        return f"{seen(value)}, not an array of floats (float32)"
    return None


def _arrays(count: int, shape_words: str):
    def problem(value) -> str | None:
        if not isinstance(value, (tuple, list)) or len(value) != count:
            return f"{seen(value)}, not {shape_words}"
        kinds = [seen(item) for item in value if not isinstance(item, np.ndarray)]
        return f"{shape_words} with {kinds[0]} in it, not only NumPy arrays" if kinds else None
    return problem


def _two_pairs(value) -> str | None:
    words = "((x_train, y_train), (x_test, y_test))"
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return f"{seen(value)}, not {words}"
    for part in value:
        problem = _arrays(2, "a pair of arrays")(part)
        if problem:
            return f"{problem}, where {words} has one"
    return None


def _pair(value) -> str | None:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return f"{seen(value)}, not the pair (digit or digits, probabilities)"
    return None


def _number(value) -> str | None:
    if isinstance(value, (numbers.Real, np.floating, np.integer)) and not isinstance(value, bool):
        return None
    if isinstance(value, np.ndarray) and value.shape == ():
        return None
    return f"{seen(value)}, not one number"


def _figure(value) -> str | None:
    kinds = [cls.__module__ + "." + cls.__name__ for cls in type(value).__mro__]
    return None if "matplotlib.figure.Figure" in kinds else f"{seen(value)}, not a matplotlib Figure"


def _keras_made(value) -> bool:
    return any(cls.__module__.startswith("keras") for cls in type(value).__mro__)


def _layer(value) -> str | None:
    return None if _keras_made(value) else f"{seen(value)}, not a Keras layer"


def _model(value) -> str | None:
    return None if _keras_made(value) and hasattr(type(value), "fit") else f"{seen(value)}, not a Keras model"


def _built_model(value) -> str | None:
    problem = _model(value)
    if problem:
        return problem
    lambdas = [layer.name for layer in _all_layers(value) if type(layer).__name__ == "Lambda"]
    if lambdas:
        return (f"a model with a Lambda layer ({lambdas[0]}), whose Python code the course will not "
                "load back from the saved model (it could run anything): use Keras' own layers "
                "instead (Rescaling, Reshape, ...)")
    try:
        width = value.output_shape[-1]
    except Exception:  # noqa: BLE001 - a model whose output cannot be read yet: Keras says more
        return None
    if width != 10:
        return f"a model whose output has {width} values per image, not 10 (one per digit)"
    return None


def _compiled(value) -> str | None:
    problem = _model(value)
    if problem:
        return problem
    return None if getattr(value, "optimizer", None) is not None else "a model that is not compiled"


def _history(value) -> str | None:
    return None if isinstance(getattr(value, "history", None), dict) else f"{seen(value)}, not the History model.fit returns"


# Only what the tools cannot take: where they already turn a result into an array themselves
# (predict_labels, confusion, read_image, preprocess_digit, reshape_for_model), they go on doing so.
RETURNS = {
    ("01", "load_mnist"): _two_pairs,
    ("02", "normalize"): _float_array,
    ("02", "split_validation"): _arrays(4, "the four arrays (x_train, x_val, y_train, y_val)"),
    ("04", "augment"): _layer,
    ("04", "build_model"): _built_model,
    ("04", "compile_model"): _compiled,
    ("05", "train"): _history,
    ("05", "plot_history"): _figure,
    ("06", "accuracy"): _number,
    ("06", "plot_confusion"): _figure,
    ("07", "predict_digit"): _pair,
    ("07", "explain_figure"): _figure,
    ("08", "build_cnn"): _built_model,
    ("08", "compile_cnn"): _compiled,
}


def problem(number: str, name: str, value) -> str | None:
    """What is wrong with `value` as lesson `number`'s `name()` result for the tools, or None."""
    check = RETURNS.get((number, name))
    return check(value) if check else None


def _all_layers(model) -> list:
    found, queue = [], list(getattr(model, "layers", []))
    while queue:
        layer = queue.pop(0)
        found.append(layer)
        queue.extend(getattr(layer, "layers", []))
    return found
