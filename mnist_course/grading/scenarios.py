"""Stand-ins a check puts around the learner's code, the same in both modes.

A check that needs the world to look a certain way while the learner's function runs (no
MNIST file remembered by the course, Keras' download replaced by a stand-in) names a
scenario here. In the learner's loop it is applied in the checks' own process; when grading,
the worker applies it around each call. Either way `Observed` tells the check what happened
inside (how often the stand-in download was called).
"""

from __future__ import annotations

import contextlib
import sys
import types
from dataclasses import dataclass, field

import numpy as np

# What the stand-in for keras.datasets.mnist.load_data hands out: two tiny pairs.
TINY_MNIST = ((np.zeros((2, 28, 28), np.uint8), np.zeros(2, np.uint8)),) * 2


@dataclass
class Observed:
    """What the scenarios saw while the learner's code ran (added up over calls)."""

    keras_downloads: list = field(default_factory=list)


@contextlib.contextmanager
def _no_remembered_mnist(observed: Observed):
    import mnist_course.training.data

    original = mnist_course.training.data.remembered
    mnist_course.training.data.remembered = lambda root=None: None
    try:
        yield
    finally:
        mnist_course.training.data.remembered = original


@contextlib.contextmanager
def _fake_keras_download(observed: Observed):
    def load_data(*args, **kwargs):
        observed.keras_downloads.append(1)
        return TINY_MNIST

    if "keras" in sys.modules:  # never import Keras for this: lesson 01 stays light
        import keras

        original = keras.datasets.mnist.load_data
        keras.datasets.mnist.load_data = load_data
        try:
            yield
        finally:
            keras.datasets.mnist.load_data = original
        return
    names = ("keras", "keras.datasets", "keras.datasets.mnist")
    fake = {name: types.ModuleType(name) for name in names}
    fake["keras.datasets.mnist"].load_data = load_data
    fake["keras.datasets"].mnist = fake["keras.datasets.mnist"]
    fake["keras"].datasets = fake["keras.datasets"]
    saved = {name: sys.modules.get(name) for name in names}
    sys.modules.update(fake)
    try:
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


SCENARIOS = {
    "no remembered MNIST": _no_remembered_mnist,
    "fake Keras download": _fake_keras_download,
}


@contextlib.contextmanager
def applied(names, observed: Observed):
    """Every scenario in `names`, around one stretch of the learner's code."""
    with contextlib.ExitStack() as stack:
        for name in names:
            stack.enter_context(SCENARIOS[name](observed))
        yield
