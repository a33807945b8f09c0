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

**Data augmentation** prepares the model for handwriting that is not MNIST's. Every MNIST
digit was drawn upright, scaled to the same size and centred; your own digit, even after
lesson 07's careful preprocessing, will be a little slanted, a little bigger or a little
off-centre. An MLP sees each pixel as a separate input, so to it a 7 moved one pixel is a
different pattern. Randomly rotating, shifting and zooming each training image by a small
amount, differently at every epoch, teaches the model that these are still the same digit.
The random layers sit at the front of the model and act only while training: at
prediction time they pass images through unchanged.
"""

import keras


def build_model(hidden_units=(128,), dropout=0.0, augmentation=None):
    """Build an (uncompiled) MLP classifier for 28x28 images.

    Layers, in order:

    1. `keras.Input(shape=(28, 28))`
    2. `augmentation`, when it is given (e.g. the block `augment()` returns)
    3. `Flatten()`  -> 784 values
    4. for each entry `u` of `hidden_units`: `Dense(u, activation="relu")`, followed by
       `Dropout(dropout)` when `dropout > 0`
    5. `Dense(10, activation="softmax")`

    Args:
        hidden_units: sizes of the hidden layers, e.g. (128,) or (256, 128).
        dropout: rate between 0 and 1; 0 means no Dropout layers at all.
        augmentation: a Keras layer (or Sequential) of random transformations, or None
            for no augmentation.

    Returns:
        A `keras.Sequential` whose output for a batch of shape (n, 28, 28) is (n, 10),
        each row summing to 1.

    Example:
        >>> model = build_model((256, 128), dropout=0.2)
        >>> [layer.__class__.__name__ for layer in model.layers]
        ['Flatten', 'Dense', 'Dropout', 'Dense', 'Dropout', 'Dense']
    """
    # BEGIN SOLUTION
    layers = [keras.Input(shape=(28, 28))]
    if augmentation is not None:
        layers.append(augmentation)
    layers.append(keras.layers.Flatten())
    for units in hidden_units:
        layers.append(keras.layers.Dense(units, activation="relu"))
        if dropout > 0:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    return keras.Sequential(layers, name="mlp")
    # END SOLUTION


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
    # BEGIN SOLUTION
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=["accuracy"],
    )
    return model
    # END SOLUTION


def augment(rotation=0.02, shift=0.05, zoom=0.05):
    """Build the data-augmentation block: small random rotations, shifts and zooms.

    Layers, in order:

    1. `keras.layers.Reshape((28, 28, 1))`: Keras' image layers want a channel axis,
       (height, width, channels). This gives the MLP's (28, 28) images one and leaves
       the (28, 28, 1) images of lesson 08's CNN as they are.
    2. `keras.layers.RandomRotation(rotation)`: `rotation` is a fraction of a full turn,
       so 0.02 means up to +-0.02 x 360 = +-7.2 degrees.
    3. `keras.layers.RandomTranslation(shift, shift)`: up to `shift` x 28 pixels up/down
       and left/right.
    4. `keras.layers.RandomZoom(zoom)`: zoom in or out by up to `zoom` (0.05 = 5%).

    Each random layer gets `fill_mode="constant"` and `fill_value=0.0`: the pixels a move
    uncovers become black background (Keras' default, "reflect", would mirror pieces of
    the stroke into the border).

    Args:
        rotation: largest rotation as a fraction of a full turn (0 <= rotation <= 0.1).
        shift: largest shift as a fraction of the image size.
        zoom: largest zoom as a fraction of the image size.

    Returns:
        A `keras.Sequential` named "augment". Called with `training=True` on a batch of
        shape (n, 28, 28) or (n, 28, 28, 1), it returns a batch of shape (n, 28, 28, 1)
        with each image randomly moved; with `training=False` (prediction) the images
        come back unchanged (only the channel axis is added).

    Example:
        >>> block = augment()
        >>> [layer.__class__.__name__ for layer in block.layers]
        ['Reshape', 'RandomRotation', 'RandomTranslation', 'RandomZoom']
    """
    # BEGIN SOLUTION
    black = {"fill_mode": "constant", "fill_value": 0.0}
    return keras.Sequential(
        [
            keras.layers.Reshape((28, 28, 1)),
            keras.layers.RandomRotation(rotation, **black),
            keras.layers.RandomTranslation(shift, shift, **black),
            keras.layers.RandomZoom(zoom, **black),
        ],
        name="augment",
    )
    # END SOLUTION
