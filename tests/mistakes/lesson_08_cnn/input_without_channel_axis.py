"""Starts the CNN with keras.Input(shape=(28, 28)), as in lesson 04: Conv2D needs a channel axis."""

CAUGHT_BY = "test_cnn_maps_images_to_ten_probabilities"
HINT = "keras.Input(shape=(28, 28, 1))"


def build_cnn(augmentation=None, filters=(32, 64), dense_units=128, dropout=0.4):
    layers = [keras.Input(shape=(28, 28))]
    if augmentation is not None:
        layers.append(augmentation)
    for count in filters:
        layers += [keras.layers.Conv2D(count, 3, activation="relu"), keras.layers.MaxPooling2D(2)]
    layers += [
        keras.layers.BatchNormalization(),
        keras.layers.Flatten(),
        keras.layers.Dropout(dropout),
        keras.layers.Dense(dense_units, activation="relu"),
        keras.layers.Dropout(dropout),
        keras.layers.Dense(10, activation="softmax"),
    ]
    return keras.Sequential(layers, name="cnn")
