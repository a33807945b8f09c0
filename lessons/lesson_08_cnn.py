"""Lesson 08 · A convolutional network.

The MLP of lesson 04 flattens each image into 784 numbers and forgets which pixels are
neighbours: to it, a 3 moved two pixels to the right is a brand-new pattern. A
*convolutional* network keeps the image an image:

- **Conv2D** slides small 3x3 filters over the image. Each filter is a little pattern
  detector (an edge, the end of a stroke, a curve), and the *same* nine weights are used at
  every position, so a stroke is recognised wherever it is, with very few parameters.
  Convolutions want a channel axis: images of shape (n, 28, 28, 1), which lesson 02's
  `reshape_for_model` gives you.
- **MaxPooling2D** keeps the strongest response in each 2x2 patch: the feature map gets four
  times smaller and a one-pixel wobble no longer matters. After two conv + pool blocks each
  unit sees a whole part of the digit.
- **BatchNormalization** rescales the features to a steady mean and spread while training,
  which lets a high learning rate work from the first epochs.
- **Dropout** switches off a random share of units at every training step, so the network
  cannot lean on any single one of them.

Two ideas make it generalise better and train in a few minutes on a laptop CPU:

- **Data augmentation**, lesson 04's `augment` block, with larger moves than the MLP gets
  (up to about 11 degrees, 3 pixels, 10% zoom). Convolutions and pooling already shrug off
  small shifts, so the CNN can learn from bolder variations without being confused by
  them; the MLP, which must learn every position separately, does better with gentle ones.
  Keep every change small all the same: a 6 turned upside down is a 9.
- **A learning-rate schedule.** Adam starts with tiny steps (a *warm-up*, while the
  random initial weights settle), climbs to a large learning rate, then follows a cosine
  curve down to zero, so the last epochs take small, careful steps. With a fixed budget of
  epochs this converges faster than a constant learning rate.
"""

import keras


def build_cnn(augmentation=None, filters=(32, 64), dense_units=128, dropout=0.4):
    """Build an (uncompiled) convolutional classifier for 28x28x1 images.

    Layers, in order:

    1. `keras.Input(shape=(28, 28, 1))`
    2. `augmentation`, when it is given (e.g. the block lesson 04's `augment()` returns)
    3. for each entry `f` of `filters`: `Conv2D(f, 3, activation="relu")`, then
       `MaxPooling2D(2)`
    4. `BatchNormalization()`, `Flatten()`, then `Dropout(dropout)`
    5. `Dense(dense_units, activation="relu")`, then `Dropout(dropout)`
    6. `Dense(10, activation="softmax")`

    Args:
        augmentation: a Keras layer (or Sequential) of random transformations, or None
            for no augmentation.
        filters: number of filters of each convolution block, e.g. (32, 64).
        dense_units: size of the hidden Dense layer.
        dropout: rate between 0 and 1 for both Dropout layers.

    Returns:
        A `keras.Sequential` whose output for a batch of shape (n, 28, 28, 1) is (n, 10),
        each row summing to 1.

    Example:
        >>> model = build_cnn()
        >>> [layer.__class__.__name__ for layer in model.layers]
        ['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'BatchNormalization', 'Flatten',
         'Dropout', 'Dense', 'Dropout', 'Dense']
    """
    raise NotImplementedError(
        'Lesson 08 · A convolutional network · build_cnn() is not implemented yet: write it in lessons/lesson_08_cnn.py (its docstring is the spec; guide: docs/lessons/08-cnn.md; a nudge: mnist-course hint 08 build_cnn)'
    )


def compile_cnn(model, total_steps, peak_learning_rate=3e-3, warmup_fraction=0.1):
    """Compile `model` with Adam on a warm-up + cosine learning-rate schedule.

    The learning rate starts at 0, rises in a straight line to `peak_learning_rate` over
    the first `warmup_steps = int(total_steps * warmup_fraction)` steps, then decays along
    a cosine curve to 0 at step `total_steps`. That is exactly
    `keras.optimizers.schedules.CosineDecay(initial_learning_rate=0.0,
    decay_steps=total_steps - warmup_steps, warmup_target=peak_learning_rate,
    warmup_steps=warmup_steps)`, passed as Adam's `learning_rate`. Loss and metric are
    those of lesson 04: sparse categorical cross-entropy and "accuracy".

    Args:
        model: a Keras model with a 10-way softmax output.
        total_steps: how many training steps (batches) the whole training will take:
            `ceil(len(x_train) / batch_size) * epochs`.
        peak_learning_rate: the highest learning rate, reached at the end of the warm-up.
        warmup_fraction: share of the steps spent warming up (between 0 and 1).

    Returns:
        The same `model`, compiled.

    Example:
        >>> model = compile_cnn(build_cnn(), total_steps=1000)
        >>> settings = model.optimizer.get_config()["learning_rate"]   # the schedule's
        >>> schedule = keras.optimizers.schedules.deserialize(settings)
        >>> [round(float(schedule(step)), 6) for step in (0, 50, 100, 550, 1000)]
        [0.0, 0.0015, 0.003, 0.0015, 0.0]
    """
    raise NotImplementedError(
        'Lesson 08 · A convolutional network · compile_cnn() is not implemented yet: write it in lessons/lesson_08_cnn.py (its docstring is the spec; guide: docs/lessons/08-cnn.md; a nudge: mnist-course hint 08 compile_cnn)'
    )
