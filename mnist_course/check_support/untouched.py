"""Lesson functions leave what they are given as it was: the same rule in the learner's loop
as when graded.

A function that writes into the caller's array (`images /= 255`, `np.fill_diagonal(cm, 0)`,
`out = mask`) can pass a check that never looks at its input again, while the program around
it quietly works on changed data. When grading, a change to an argument must fail the check
that made the call (the grader never takes a learner's change into its own arrays: a check
that worked out its expected answer from them would believe it). The learner's own checks
hold their code to the same rule here, so a grade never fails what the learner saw pass.
"""

from __future__ import annotations

import functools
import inspect

import numpy as np

from mnist_course.check_support.toolkit import CheckFailure, describe

# The arguments lesson functions are there to change, by position and by name: the model that
# compile_model, train and compile_cnn compile or train, the `stages` preprocess_digit fills in.
CHANGE_IN_PLACE = {
    "compile_model": {0, "model"}, "train": {0, "model"}, "compile_cnn": {0, "model"},
    "preprocess_digit": {1, "stages"},
}

# What to try, for the functions whose in-place slip has a usual cause.
HINTS = {
    "normalize": "create a new array (images / 255, or np.divide without out=...): do not write into "
                 "images, the caller may still need the raw pixels",
    "reshape_for_model": "return images.reshape(...) (a new view); assigning images.shape = ... "
                         "changes the caller's array",
    "most_confused": "np.fill_diagonal(cm, 0) writes into the caller's array: work on cm.copy(), or "
                     "pick the off-diagonal cells without changing cm",
    "keep_digit": "`out = mask` is the same array, not a copy: start from a new one, "
                  "np.zeros_like(mask), and switch on the pixels of the blobs you keep (preprocess_digit "
                  "keeps the mask as its 'ink or paper' stage)",
}
ARRAY_HINT = ("work on a new value instead of changing the caller's in place (images / 255 makes a "
              "new array where images /= 255 changes the caller's; copy first with .copy())")
MODEL_HINT = ("use the model without changing it: no compile() or fit() here, and model(x) or "
              "model.predict(x) to run it (they leave its weights as they are)")


def may_change(function: str, where: int | str) -> bool:
    """Whether `function` is there to change its argument at `where` (a position or a name)."""
    return where in CHANGE_IN_PLACE.get(function, ())


def changed_failure(function: str, changed: list[tuple[int | str, str, str | None]]) -> CheckFailure:
    """The failure of a call that changed arguments it should have left: (where, what kind,
    what it became or None) for each."""
    def named(where, kind, now):
        place = f"argument {where + 1}" if isinstance(where, int) else f"argument {where}="
        return f"the {kind} it was given as its {place}" + (f" ({now})" if now else "")

    kinds = {kind for _, kind, _ in changed}
    hint = (MODEL_HINT if kinds == {"model"} else
            HINTS.get(function, ARRAY_HINT) if "model" not in kinds else f"{HINTS.get(function, ARRAY_HINT)}; {MODEL_HINT}")
    return CheckFailure(
        function, f"{function}() to leave what it is given as it was",
        f"{function}() changed " + ", ".join(named(*change) for change in changed), hint,
    )


def _kind(value) -> str:
    from mnist_course.grading.codec import is_keras

    return "model" if is_keras(value, "model") else type(value).__name__


def _now(before, after) -> str | None:
    """What an array the call changed became, for the 'seen' line."""
    if not isinstance(after, np.ndarray):
        return None
    if isinstance(before, np.ndarray) and before.shape == after.shape and before.dtype == after.dtype:
        return f"{int(np.count_nonzero(before != after)):,} of its {after.size:,} values rewritten"
    return f"now {describe(after)}"


# Arrays up to this size are copied before a call, so a change can be said as how many values
# it rewrote; larger ones are only digested.
COPIED_BYTES = 16 * 2**20


def watched(name: str, function):
    """`function` (the learner's `name`) failing any call that changes what it was given."""
    from mnist_course.grading.state import state_digest

    @functools.wraps(function)
    def call(*args, **kwargs):
        values = [*args, *kwargs.values()]
        places = [*range(len(args)), *kwargs]
        watch = [i for i, where in enumerate(places) if not may_change(name, where)]
        before = {i: state_digest(values[i]) for i in watch}
        copies = {i: values[i].copy() for i in watch
                  if isinstance(values[i], np.ndarray) and values[i].nbytes <= COPIED_BYTES}
        try:
            return function(*args, **kwargs)
        finally:
            changed = [(places[i], _kind(values[i]), _now(copies.get(i), values[i]))
                       for i in watch if state_digest(values[i]) != before[i]]
            if changed:
                raise changed_failure(name, changed)

    call.watched_lesson_function = function
    return call


class WatchedLesson:
    """The learner's lesson module as the checks use it in the learner's loop: its functions
    fail a call that changes what they were given (as RemoteLesson does when grading);
    everything else, read or replaced (a check's spy), is the module's own."""

    __slots__ = ("_module", "_watched")

    def __init__(self, module):
        object.__setattr__(self, "_module", module)
        object.__setattr__(self, "_watched", {})

    def __getattr__(self, name: str):
        value = getattr(self._module, name)
        if name.startswith("_") or not inspect.isfunction(value):
            return value
        known = self._watched.get(name)
        if known is None or known.watched_lesson_function is not value:
            known = self._watched[name] = watched(name, value)
        return known

    def __setattr__(self, name: str, value) -> None:
        setattr(self._module, name, getattr(value, "watched_lesson_function", value))

    def __delattr__(self, name: str) -> None:
        delattr(self._module, name)

    @property
    def __dict__(self):  # the module's: a check's monkeypatch puts back what it replaced there
        return self._module.__dict__

    def __dir__(self):
        return dir(self._module)

    def __repr__(self) -> str:
        return f"<watched {self._module!r}>"
