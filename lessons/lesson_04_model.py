"""Lesson 04 · Build the model.

Our first network is a multilayer perceptron: `Flatten` unrolls each 28x28 image into 784
numbers, one or more `Dense` layers with ReLU learn combinations of pixels, and a final
`Dense(10)` gives one score per digit.

That last layer uses **softmax**: MNIST's ten classes are mutually exclusive (an image is
a 3 *or* a 7, never both), and softmax turns the ten scores into probabilities that sum to
1. Its partner loss is **sparse categorical cross-entropy**: "sparse" because our labels
are plain integers 0..9, not one-hot vectors. (Many tutorials use a sigmoid output with
binary cross-entropy instead; the "Going further" page runs that experiment and shows
why it is the wrong tool here.)

**Adam** adapts the step size of every weight as it trains, which makes it a forgiving
default; the learning rate is still the knob to try first when training misbehaves.
"""

import keras


def build_model(hidden_units=(128,), dropout=0.0):
    """Build an (uncompiled) MLP classifier for 28x28 images.

    Layers, in order:

    1. `keras.Input(shape=(28, 28))`
    2. `Flatten()`  -> 784 values
    3. for each entry `u` of `hidden_units`: `Dense(u, activation="relu")`, followed by
       `Dropout(dropout)` when `dropout > 0`
    4. `Dense(10, activation="softmax")`

    Args:
        hidden_units: sizes of the hidden layers, e.g. (128,) or (256, 128).
        dropout: rate between 0 and 1; 0 means no Dropout layers at all.

    Returns:
        A `keras.Sequential` whose output for a batch of shape (n, 28, 28) is (n, 10),
        each row summing to 1.

    Example:
        >>> model = build_model((256, 128), dropout=0.2)
        >>> [layer.__class__.__name__ for layer in model.layers]
        ['Flatten', 'Dense', 'Dropout', 'Dense', 'Dropout', 'Dense']
    """
    raise NotImplementedError(
        'Lesson 04 · Build the model · build_model() is not implemented yet: write it in lessons/lesson_04_model.py (its docstring is the spec; guide: docs/lessons/04-model.md; a nudge: mnist-course hint 04 build_model)'
    )


def compile_model(model, learning_rate=1e-3):
    """Compile `model` for ten-class classification with integer labels.

    Uses `keras.optimizers.Adam(learning_rate)`, the sparse categorical cross-entropy
    loss, and the "accuracy" metric.

    Args:
        model: a Keras model with a 10-way softmax output.
        learning_rate: Adam's step size.

    Returns:
        The same `model`, compiled (so you can write `model = compile_model(build_model())`).

    Example:
        >>> model = compile_model(build_model(), learning_rate=1e-3)
        >>> float(model.optimizer.learning_rate)
        0.001
    """
    raise NotImplementedError(
        'Lesson 04 · Build the model · compile_model() is not implemented yet: write it in lessons/lesson_04_model.py (its docstring is the spec; guide: docs/lessons/04-model.md; a nudge: mnist-course hint 04 compile_model)'
    )
