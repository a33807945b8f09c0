"""Puts the augmentation block before keras.Input: the model is built, but the first call
fails, since a Sequential takes its Input before any layer."""

CAUGHT_BY = "test_cnn_uses_the_augmentation"
HINT = "a Sequential takes its Input before any layer"


def build_cnn(augmentation=None, filters=(32, 64), dense_units=128, dropout=0.4):
    layers = []
    if augmentation is not None:
        layers.append(augmentation)
    layers.append(keras.Input(shape=(28, 28, 1)))
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
