"""Conv2D layers stacked without MaxPooling2D: the feature maps never shrink, so the Dense
layer after Flatten gets millions of weights and a one-pixel wobble still matters."""

CAUGHT_BY = "test_cnn_layers_follow_the_recipe"
HINT = "MaxPooling2D(2) block per entry of filters"


def build_cnn(augmentation=None, filters=(32, 64), dense_units=128, dropout=0.4):
    layers = [keras.Input(shape=(28, 28, 1))]
    if augmentation is not None:
        layers.append(augmentation)
    for count in filters:
        layers.append(keras.layers.Conv2D(count, 3, activation="relu"))
    layers += [
        keras.layers.BatchNormalization(),
        keras.layers.Flatten(),
        keras.layers.Dropout(dropout),
        keras.layers.Dense(dense_units, activation="relu"),
        keras.layers.Dropout(dropout),
        keras.layers.Dense(10, activation="softmax"),
    ]
    return keras.Sequential(layers)
