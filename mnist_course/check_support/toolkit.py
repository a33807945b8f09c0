"""What a learner check says when it fails: expected, seen, and a hint.

Checks call `expect(...)` instead of a bare `assert`, so that every failure names the
function under test and says what it wanted, what it got, and what to try. The pytest
plugin (`mnist_course.check_support.pytest_plugin`) prints these messages without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mnist_course.check_support.outcome import ANSI, error_words, library_words, short  # noqa: F401 - for the checks


@dataclass
class CheckFailure(AssertionError):
    """One failed expectation about the learner's function."""

    function: str
    expected: str
    seen: str
    hint: str | None = None
    picture: str | None = None  # a saved image of the input, expected and seen (failure_pictures)

    def __str__(self) -> str:
        text = f"{self.function}(): expected {self.expected}; seen {self.seen}"
        return text + (f". Hint: {self.hint}" if self.hint else "")


def expect(condition, function: str, expected: str, seen, hint: str | None = None, picture=None) -> None:
    """Raise a teaching `CheckFailure` unless `condition` holds.

    `seen` may be a callable, evaluated only on failure (for descriptions that cost time);
    so may `picture`, which returns the path of an image of the failure
    (`mnist_course.check_support.failure_pictures`).
    """
    if not condition:
        shown = picture() if callable(picture) else picture
        raise CheckFailure(
            function, expected, str(seen() if callable(seen) else seen), hint, str(shown) if shown else None
        )


def call(function_name: str, function, *args, **kwargs):
    """Call the learner's function and insist that it returned something.

    A forgotten `return` is the most common mistake of all, so it gets its own message.
    """
    result = function(*args, **kwargs)
    expect(
        result is not None,
        function_name,
        "a return value",
        "None",
        "did you forget the `return` statement at the end of the function?",
    )
    return result


def expect_array(value, function: str, wanted: str, build: str):
    """Insist that `value` is one NumPy array, not a list of arrays or numbers that np.asarray
    would quietly turn into one; `build` says how this function makes one."""
    kind = type(value).__name__
    expect(
        isinstance(value, np.ndarray),
        function,
        f"one NumPy array ({wanted})",
        f"a {kind} of {len(value)} items" if isinstance(value, (list, tuple)) else type_name(value),
        f"a {kind} of arrays is not one array: {build}" if isinstance(value, (list, tuple))
        else build,
    )
    return value


def describe(array) -> str:
    """A short description of an array for 'seen:' lines: dtype, shape and value range."""
    array = np.asarray(array)
    if array.size == 0:
        return f"an empty {array.dtype} array of shape {array.shape}"
    if np.issubdtype(array.dtype, np.number) or array.dtype == bool:
        return (
            f"{array.dtype} array of shape {array.shape}, "
            f"values {array.min():.4g}..{array.max():.4g}"
        )
    return f"{array.dtype} array of shape {array.shape}"


def plain(text: str) -> str:
    """`text` without terminal colour codes (Keras' progress bar is full of them)."""
    return ANSI.sub("", text)


def rounded(values, digits: int) -> list:
    """`values` rounded for a message: [0.56, 0.1], never float32's 0.5599999904632568."""
    return np.round(np.asarray(values, dtype=np.float64), digits).tolist()


def output_or_error(run) -> tuple[np.ndarray | None, str]:
    """(what `run()` returns, as an array, and its description), or (None, the error in words)
    when the learner's model or block raises. A stub's NotImplementedError goes on: it says
    itself that the function is not written."""
    try:
        out = np.asarray(run())
    except NotImplementedError:
        raise
    except Exception as error:  # noqa: BLE001 - the learner's error is what the check shows
        return None, error_words(error, 160)
    return out, describe(out)


def type_name(value) -> str:
    remote = getattr(value, "type_name", None)  # what a worker returned, when grading (codec.Opaque)
    if isinstance(remote, str) and type(value).__name__ == "Opaque":
        return remote
    return type(value).__module__.split(".")[0] + "." + type(value).__qualname__


# --- watching the learner's code from a check -------------------------------------------------
# The same checks run with the lesson imported here (the learner's loop) and with it in a
# worker process (grading, `mnist_course.grading.remote`): these helpers do either.


def is_remote(lesson) -> bool:
    return type(lesson).__name__ == "RemoteLesson"


class FitRecorder:
    """How the learner's code called `model.fit`: one dict of named arguments per call."""

    def __init__(self):
        self.calls: list[dict] = []

    @property
    def kwargs(self) -> dict | None:
        """The arguments of the first call, or None if fit was never called."""
        return self.calls[0] if self.calls else None


# The names model.fit's positional arguments have, so a call reads the same however passed.
FIT_PARAMETERS = ["x", "y", "batch_size", "epochs", "verbose", "callbacks"]


def data_summary(data) -> list | None:
    """[how many items, the sum of their numbers] of an array passed to `model.fit`.

    Enough to tell which of the arrays a check gave was passed on, in any order or dtype, and
    small enough for a grading worker to send back. None for what is not an array of numbers
    (a tf.data pipeline, a generator).
    """
    try:
        values = np.asarray(data)
    except (TypeError, ValueError):
        return None
    if values.ndim == 0 or values.dtype.kind not in "biuf":
        return None
    return [int(len(values)), float(np.sum(values, dtype=np.float64))]


def fit_arguments(args, kwargs) -> dict:
    """A `model.fit` call's arguments, named; the data itself summarised (`data_summary`)."""
    named = dict(zip(FIT_PARAMETERS, args)) | kwargs
    validation = named.get("validation_data")
    pair = (None, None)
    if isinstance(validation, (tuple, list)) and len(validation) >= 2:
        pair = validation
    summaries = {"x": data_summary(named.get("x")), "y": data_summary(named.get("y")),
                 "validation_x": data_summary(pair[0]), "validation_y": data_summary(pair[1])}
    return {key: value for key, value in named.items() if key not in ("x", "y", "validation_data")} | {
        "validation_data_given": validation is not None, "data": summaries}


def watch_fit(model) -> FitRecorder:
    """Record every `model.fit` call the learner's code makes on `model` (it still trains).

    When grading, the worker records the calls and the grader's recorder receives them.
    """
    recorder = FitRecorder()
    fit = model.fit

    def watched(*args, **kwargs):
        recorder.calls.append(fit_arguments(args, kwargs))
        return fit(*args, **kwargs)

    watched.recorder = recorder
    model.fit = watched
    return recorder


def learner_lines(error: BaseException, lesson) -> list[tuple[int, str]]:
    """(line number, source line) of each frame of `error` in the lesson's own file."""
    import traceback
    from pathlib import Path

    remote = getattr(error, "learner_frames", ())  # grading: sent by the worker
    if remote:
        return [(frame.line, frame.text) for frame in remote]
    here = Path(lesson.__file__).resolve()
    return [(frame.lineno, frame.line) for frame in traceback.extract_tb(error.__traceback__)
            if Path(frame.filename).resolve() == here]


def record_steps(monkeypatch, lesson, names) -> list[str]:
    """The names of the lesson's functions `names`, in the order the learner's code calls them."""
    calls: list[str] = []
    if is_remote(lesson):  # the worker spies on its own module (grading.worker) and sends them back
        monkeypatch.setattr(lesson, "_trace", (tuple(names), calls))
        return calls
    spy_on(lesson, names, calls, monkeypatch.setattr)
    return calls


def spy_on(module, names, calls: list[str], replace=setattr) -> dict:
    """Swap each of `module`'s functions `names` for one that notes its name in `calls`, then
    runs it; returns the originals, to put back. `replace` swaps (a check's monkeypatch.setattr)."""
    originals = {}
    for name in names:
        original = getattr(module, name, None)
        if not callable(original):
            continue
        # The function itself, not the checks' watch on it (untouched.WatchedLesson): the
        # lesson's own calls between its steps are not the check's to judge.
        original = getattr(original, "watched_lesson_function", original)

        def spy(*args, __name=name, __original=original, **kwargs):
            calls.append(__name)
            return __original(*args, **kwargs)

        originals[name] = original
        replace(module, name, spy)
    return originals


def expect_raises(error_type, function: str, what: str, hint: str, run):
    """Call `run()` and insist it raises `error_type`; return the error for further checks.

    A stub's NotImplementedError passes straight through, so an unwritten function is
    reported as "not implemented yet" rather than as a wrong kind of error.
    """
    try:
        returned = run()
    except NotImplementedError:
        raise
    except error_type as error:
        return error
    except Exception as error:  # noqa: BLE001 - any other error is the learner's to see
        raise CheckFailure(
            function,
            f"{error_type.__name__} for {what}",
            error_words(error),
            hint,
        ) from None
    if isinstance(returned, (bool, str)):  # found the problem, then returned it instead of raising
        shown = short(repr(returned), 60)
        raise CheckFailure(
            function, f"{error_type.__name__} for {what}", f"no error: it returned {shown}",
            f"returning {shown} (or printing a message) lets the caller go on as if all were well: "
            f"`raise {error_type.__name__}(\"...\")` stops it, with your message",
        )
    raise CheckFailure(function, f"{error_type.__name__} for {what}", "no error at all", hint)


def loss_problem(model) -> tuple[str, str, str] | None:
    """(expected, seen, hint) when `model` was not compiled with sparse categorical
    cross-entropy on probabilities, None when it was.

    Judged by what the loss computes on a known batch (the true digit gets probability
    0.55), not by its name, so any spelling Keras accepts passes.
    """
    import keras  # only the model lessons get here; the data lessons never load TensorFlow

    loss = model.loss
    loss_fn = keras.losses.get(loss) if isinstance(loss, str) else loss
    y_true = np.array([3, 0, 9])
    y_pred = np.full((3, 10), 0.05, dtype=np.float32)
    y_pred[[0, 1, 2], [3, 0, 9]] = 0.55
    wanted = float(-np.log(0.55))
    try:
        value = float(np.mean(np.asarray(loss_fn(y_true, y_pred))))
    except Exception as error:  # noqa: BLE001 - a wrong loss fails in many ways
        value, seen = None, f"{loss!r} fails on integer labels ({type(error).__name__})"
    else:
        seen = f"loss {value:.4f} from {getattr(loss_fn, 'name', loss)!r}"
    if value is not None and abs(value - wanted) < 1e-3:
        return None
    name = str(getattr(loss_fn, "name", loss))
    from_logits = bool(getattr(loss_fn, "from_logits", False)) or bool(
        (loss_fn.get_config() if hasattr(loss_fn, "get_config") else {}).get("from_logits"))
    if from_logits:
        seen += " with from_logits=True"
    return (
        f"sparse categorical cross-entropy: {wanted:.4f} on a batch where the true digit "
        "gets probability 0.55",
        seen,
        "from_logits=True tells the loss the outputs are raw scores and applies a softmax of its "
        "own; the model already ends in softmax, so leave from_logits out (it is False by default)"
        if from_logits
        else "binary cross-entropy treats the ten digits as ten separate yes/no questions; "
        "with integer labels 0..9 use loss='sparse_categorical_crossentropy'"
        if "binary" in name
        else "labels are integers 0..9, so use loss='sparse_categorical_crossentropy' "
        "(categorical_crossentropy wants one-hot labels)",
    )


def expect_sparse_categorical_loss(model, function: str) -> None:
    """Insist that `model` was compiled with sparse categorical cross-entropy (`loss_problem`)."""
    problem = loss_problem(model)
    expect(problem is None, function, *(problem or ("", "", None)))


def skip_unless_sparse_loss(model, function: str) -> None:
    """Skip a check that needs `model` to compute its loss when the loss is wrong: the loss check
    says what to fix, and a second failure (a Keras error about shapes the learner never chose)
    would only point elsewhere."""
    import pytest

    if loss_problem(model) is not None:
        pytest.skip(f"waits for {function}()'s loss: see the loss check")


# --- looking inside a Keras model ------------------------------------------------------------
# Duck-typed on purpose: importing this module must never load Keras (lessons 01-03 stay fast).


def expect_compiled_in_place(result, model, function: str) -> None:
    """`function` compiles the model it is given and returns that very object."""
    expect(
        result is model,
        function,
        "the same model object, compiled",
        f"another {type_name(result)}, not the model {function} was given"
        if type(result) is type(model) else type_name(result),
        "call model.compile(...), then `return model` (the model you were given: a new one, built "
        "again, leaves the caller's uncompiled)",
    )


def expect_accuracy_metric(model, function: str) -> None:
    """The compiled model reports "accuracy", the name lesson 05's history is read by."""
    skip_unless_sparse_loss(model, function)
    x = np.zeros((8, *model.input_shape[1:]), dtype=np.float32)
    # One batch, eagerly: the names of the results are the point here, and evaluate()
    # would build a data pipeline and trace a graph for these 8 images.
    model.run_eagerly = True
    results = model.test_on_batch(x, np.zeros(8, dtype=int), return_dict=True)
    expect(
        any("accuracy" in name for name in results),
        function,
        "an accuracy metric in evaluate()'s results",
        f"results {sorted(results)}",
        "metrics=['accuracy'], by that name: Keras also takes 'acc', but then reports 'acc', and "
        "lesson 05 reads history['accuracy']"
        if "acc" in results else "metrics=['accuracy']",
    )


def sublayers(block) -> list:
    """The layers inside `block` (a model or a Sequential block), or `[block]` for one layer."""
    return list(getattr(block, "layers", [block]))


def layer_names(block) -> list[str]:
    """The class names of the layers inside `block`, e.g. ['Flatten', 'Dense', 'Dense']."""
    return [type(layer).__name__ for layer in sublayers(block)]


def random_layer_names(model) -> list[str]:
    """The Random* (augmentation) layers of `model`, looking one level into its blocks."""
    return [name for layer in sublayers(model) for name in layer_names(layer) if name.startswith("Random")]


def activation_name(layer) -> str:
    activation = getattr(layer, "activation", None)
    return getattr(activation, "__name__", str(activation))


def with_channel_axis(images) -> np.ndarray:
    """(n, 28, 28) -> (n, 28, 28, 1) float32: the layout convolutions and image layers want."""
    return np.asarray(images, dtype=np.float32)[..., np.newaxis]


def scenario(request, lesson, name: str):
    """Put the stand-in `name` (see `mnist_course.grading.scenarios`) around the learner's code
    for the rest of this check; returns what it observes (e.g. `keras_downloads`)."""
    from mnist_course.grading.scenarios import SCENARIOS, Observed

    observed = Observed()
    if is_remote(lesson):
        before = lesson._scenarios
        lesson._scenarios = (*before, (name, observed))
        request.addfinalizer(lambda: setattr(lesson, "_scenarios", before))
        return observed
    context = SCENARIOS[name](observed)
    context.__enter__()
    request.addfinalizer(lambda: context.__exit__(None, None, None))
    return observed
