"""Adds Dropout after the output layer too: outputs are randomly zeroed in training."""

CAUGHT_BY = "test_dropout_follows_each_hidden_layer"
HINT = 'never after the output layer'

def build_model(hidden_units=(128,), dropout=0.0):
    layers = [keras.Input(shape=(28, 28)), keras.layers.Flatten()]
    for units in hidden_units:
        layers.append(keras.layers.Dense(units, activation="relu"))
        if dropout > 0:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    if dropout > 0:
        layers.append(keras.layers.Dropout(dropout))
    return keras.Sequential(layers)
