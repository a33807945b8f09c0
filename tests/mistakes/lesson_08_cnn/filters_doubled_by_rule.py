"""Takes only the first entry of filters and doubles it for the next block, as the default
(32, 64) does: right for (8, 16), wrong for any other filters."""

CAUGHT_BY = "test_cnn_layers_follow_the_recipe"
HINT = "build the layers from the arguments"


def build_cnn(augmentation=None, filters=(32, 64), dense_units=128, dropout=0.4):
    layers = [keras.Input(shape=(28, 28, 1))]
    if augmentation is not None:
        layers.append(augmentation)
    for count in (filters[0], 2 * filters[0]):
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
