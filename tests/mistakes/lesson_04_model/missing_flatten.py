"""No Flatten layer: Dense acts on each of the 28 rows, output (n, 28, 10)."""

CAUGHT_BY = "test_model_maps_images_to_ten_probabilities"
HINT = 'did you Flatten first?'

def build_model(hidden_units=(128,), dropout=0.0):
    layers = [keras.Input(shape=(28, 28))]
    for units in hidden_units:
        layers.append(keras.layers.Dense(units, activation="relu"))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    return keras.Sequential(layers)
