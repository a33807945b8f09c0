"""A keras.layers.Softmax() after Dense(10) with no activation: the same numbers, but not the
docstring's layers; its message told to add Dropout after each hidden Dense, which was right
already (an outside probe, 2026-12-04)."""

CAUGHT_BY = "test_dropout_follows_each_hidden_layer"
HINT = "Softmax is none of the docstring's layers"


def build_model(hidden_units=(128,), dropout=0.0, augmentation=None):
    layers = [keras.Input(shape=(28, 28))]
    if augmentation is not None:
        layers.append(augmentation)
    layers.append(keras.layers.Flatten())
    for units in hidden_units:
        layers.append(keras.layers.Dense(units, activation="relu"))
        if dropout > 0:
            layers.append(keras.layers.Dropout(dropout))
    layers += [keras.layers.Dense(10), keras.layers.Softmax()]
    return keras.Sequential(layers, name="mlp")
