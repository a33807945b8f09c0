"""Adds padding="same" to the convolutions (as many tutorials do): 421,898 parameters, not 225,290."""

CAUGHT_BY = "test_cnn_has_the_documented_size"
HINT = "leave Conv2D on its default padding"


def build_cnn(augmentation=None, filters=(32, 64), dense_units=128, dropout=0.4):
    layers = [keras.Input(shape=(28, 28, 1))]
    if augmentation is not None:
        layers.append(augmentation)
    for count in filters:
        layers += [keras.layers.Conv2D(count, 3, activation="relu", padding="same"), keras.layers.MaxPooling2D(2)]
    layers += [
        keras.layers.BatchNormalization(),
        keras.layers.Flatten(),
        keras.layers.Dropout(dropout),
        keras.layers.Dense(dense_units, activation="relu"),
        keras.layers.Dropout(dropout),
        keras.layers.Dense(10, activation="softmax"),
    ]
    return keras.Sequential(layers, name="cnn")
