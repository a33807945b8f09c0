"""build_cnn accepts `augmentation` but never puts it in the model, so training sees the
same images every epoch."""

CAUGHT_BY = "test_cnn_uses_the_augmentation"
HINT = "right after keras.Input"


def build_cnn(augmentation=None, filters=(32, 64), dense_units=128, dropout=0.4):
    layers = [keras.Input(shape=(28, 28, 1))]
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
    return keras.Sequential(layers)
