"""Writes the hidden layers out as Dense(64) and Dense(32), the sizes of the check's example,
instead of one Dense per entry of hidden_units."""

CAUGHT_BY = "test_layers_follow_the_recipe"
HINT = "build the layers from the arguments"


def build_model(hidden_units=(128,), dropout=0.0, augmentation=None):
    layers = [keras.Input(shape=(28, 28))]
    if augmentation is not None:
        layers.append(augmentation)
    layers.append(keras.layers.Flatten())
    for units in (64, 32):
        layers.append(keras.layers.Dense(units, activation="relu"))
        if dropout > 0:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    return keras.Sequential(layers, name="mlp")
