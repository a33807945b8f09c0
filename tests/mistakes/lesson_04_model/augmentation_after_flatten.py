"""The augmentation block appended after Flatten, with the Dense layers: by then each image is
a row of 784 numbers, and there is no picture left to rotate or shift."""

CAUGHT_BY = "test_model_uses_the_augmentation"
HINT = "before Flatten"


def build_model(hidden_units=(128,), dropout=0.0, augmentation=None):
    layers = [keras.Input(shape=(28, 28)), keras.layers.Flatten()]
    if augmentation is not None:
        layers.append(augmentation)
    for units in hidden_units:
        layers.append(keras.layers.Dense(units, activation="relu"))
        if dropout > 0:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    return keras.Sequential(layers, name="mlp")
