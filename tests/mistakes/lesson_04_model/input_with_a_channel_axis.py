"""Starts with keras.Input(shape=(28, 28, 1)) as in the CNN tutorials: the MLP's (n, 28, 28) batches no longer fit."""

CAUGHT_BY = "test_model_maps_images_to_ten_probabilities"
HINT = "start with keras.Input(shape=(28, 28))"


def build_model(hidden_units=(128,), dropout=0.0, augmentation=None):
    layers = [keras.Input(shape=(28, 28, 1))]
    if augmentation is not None:
        layers.append(augmentation)
    layers.append(keras.layers.Flatten())
    for units in hidden_units:
        layers.append(keras.layers.Dense(units, activation="relu"))
        if dropout > 0:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    return keras.Sequential(layers)
