"""Ends with a plain Dense(10), no activation: ten raw scores that do not sum to 1, and
predict_digit's "how sure" then means nothing."""

CAUGHT_BY = "test_cnn_maps_images_to_ten_probabilities"
HINT = "turns ten scores into probabilities"


def build_cnn(augmentation=None, filters=(32, 64), dense_units=128, dropout=0.4):
    layers = [keras.Input(shape=(28, 28, 1))]
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
        keras.layers.Dense(10),
    ]
    return keras.Sequential(layers, name="cnn")
