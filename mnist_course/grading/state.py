"""What a call can change in an argument, measured the same way on both sides.

The worker tells the grader which arguments a call changed (compile_model compiles the
model it is given, train trains it, preprocess_digit fills `stages`); the grader keeps a
digest of each model it has sent, so an unchanged model is not sent again.
"""

from __future__ import annotations

import hashlib
import json


def state_digest(value) -> str:
    """A digest of what a call could change in an argument (array, container, model)."""
    digest = hashlib.blake2b(digest_size=16)
    _feed(digest, value, 0)
    return digest.hexdigest()


def _feed(digest, value, depth) -> None:
    import numpy as np

    from mnist_course.grading.codec import is_keras

    if depth > 20:
        return
    if isinstance(value, np.ndarray):
        digest.update(f"a{value.shape}{value.dtype}".encode())
        if not value.dtype.hasobject:
            digest.update(np.ascontiguousarray(value))  # its buffer, not a copy of it
        else:
            for item in value.ravel().tolist():
                _feed(digest, item, depth + 1)
    elif isinstance(value, dict):
        digest.update(b"d%d" % len(value))
        for key, item in value.items():
            digest.update(repr(key).encode())
            _feed(digest, item, depth + 1)
    elif isinstance(value, (list, tuple)):
        digest.update(b"l%d" % len(value))
        for item in value:
            _feed(digest, item, depth + 1)
    elif is_keras(value, "model"):
        # Its weights, not all its variables: a random layer's seed state moves whenever the
        # model runs with augmentation on (model(x) without training=False), which uses the
        # model but does not change it (a check would fail it as "changed the model").
        for variable in [*value.weights, *(optimizer_state(value) or [])]:
            digest.update(np.ascontiguousarray(variable).tobytes())
        digest.update(json.dumps(compile_config(value), sort_keys=True, default=str).encode())
    else:
        digest.update(repr(type(value)).encode() + str(id(value)).encode())


def compile_config(model):
    if not getattr(model, "compiled", False):
        return None
    try:
        return model.get_compile_config()
    except Exception:  # noqa: BLE001 - a compile argument Keras cannot serialise
        return {"unserialisable": True}


def model_state(model) -> dict:
    """Every number a call can change in a model: its variables and its optimizer's."""
    import numpy as np

    return {"variables": [np.asarray(variable) for variable in model.variables], "optimizer": optimizer_state(model)}


def optimizer_state(model) -> list | None:
    """The numbers of a model's optimizer (None until it is built)."""
    import numpy as np

    optimizer = getattr(model, "optimizer", None)
    built = optimizer is not None and getattr(optimizer, "built", False)
    return [np.asarray(variable) for variable in optimizer.variables] if built else None


def shape_digest(model) -> str:
    """What must match for a model's numbers to be sent alone: its layout and compilation."""
    state = model_state(model)
    layout = [list(v.shape) for v in state["variables"]], [list(v.shape) for v in state["optimizer"] or []]
    return json.dumps([layout, compile_config(model)], default=str, sort_keys=True)


def model_state_message(model, encoder, with_compile: bool = True) -> dict:
    """A model's numbers (and compilation), encoded, for `apply_model_state` on the other side."""
    state = model_state(model)
    config = compile_config(model) if with_compile else None
    return {
        "variables": [encoder.array(v) for v in state["variables"]],
        "optimizer": None if state["optimizer"] is None else [encoder.array(v) for v in state["optimizer"]],
        "compile": json.dumps(config, default=str, sort_keys=True) if config is not None else None,
    }


def apply_model_state(model, state: dict, decoder) -> None:
    """Make `model` hold the numbers (and the compilation) of `model_state_message`."""
    import keras

    config = state.get("compile")
    # Compiling again would reset the optimizer: only when the learner's code compiled it anew.
    if config is not None and config != json.dumps(compile_config(model), default=str, sort_keys=True):
        settings = json.loads(config)
        if settings.get("unserialisable"):
            raise ValueError("the model was compiled with something that cannot be saved")
        with keras.saving.custom_object_scope({}):
            model.compile_from_config(settings)
    values = [decoder.array(node) for node in state["variables"]]
    if len(values) != len(model.variables):
        raise ValueError("the model's layers changed")
    for variable, value in zip(model.variables, values):
        variable.assign(value)
    optimizer_values = state.get("optimizer")
    if optimizer_values is not None and getattr(model, "optimizer", None) is not None:
        if not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        values = [decoder.array(node) for node in optimizer_values]
        if len(values) == len(model.optimizer.variables):
            for variable, value in zip(model.optimizer.variables, values):
                variable.assign(value)
