"""The tutorial classic: a sigmoid output layer for ten mutually exclusive digits."""

CAUGHT_BY = "test_model_maps_images_to_ten_probabilities"
HINT = 'a sigmoid scores each digit on its own'

def build_model(hidden_units=(128,), dropout=0.0):
    layers = [keras.Input(shape=(28, 28)), keras.layers.Flatten()]
    for units in hidden_units:
        layers.append(keras.layers.Dense(units, activation="relu"))
    layers.append(keras.layers.Dense(10, activation="sigmoid"))
    return keras.Sequential(layers)
