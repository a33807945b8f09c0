# Wrong first attempts of the 2026-12-02 walk-through (tests/walkthroughs/2026-12-02-lessons-04-07.md).
# Not a test module: each attempt is appended to a lesson file in a scratch copy of the course.
"""Wrong first attempts for lessons 04-07, each a function appended to the lesson file
(which otherwise holds working code), so it overrides the working definition."""

A = []


def att(id, lesson, func, desc, code):
    A.append({"id": id, "lesson": lesson, "func": func, "desc": desc, "code": code})


# ---------------------------------------------------------------- lesson 04
att("04-bm-sigmoid", "04", "build_model", "sigmoid output layer, as in many tutorials", '''
def build_model(hidden_units=(128,), dropout=0.0, augmentation=None):
    layers = [keras.Input(shape=(28, 28))]
    if augmentation is not None:
        layers.append(augmentation)
    layers.append(keras.layers.Flatten())
    for u in hidden_units:
        layers.append(keras.layers.Dense(u, activation="relu"))
        if dropout > 0:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(10, activation="sigmoid"))
    return keras.Sequential(layers)
''')
att("04-bm-noflatten", "04", "build_model", "forgot the Flatten layer", '''
def build_model(hidden_units=(128,), dropout=0.0, augmentation=None):
    layers = [keras.Input(shape=(28, 28))]
    if augmentation is not None:
        layers.append(augmentation)
    for u in hidden_units:
        layers.append(keras.layers.Dense(u, activation="relu"))
        if dropout > 0:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    return keras.Sequential(layers)
''')
att("04-bm-norelu", "04", "build_model", "hidden Dense layers without activation (linear)", '''
def build_model(hidden_units=(128,), dropout=0.0, augmentation=None):
    layers = [keras.Input(shape=(28, 28))]
    if augmentation is not None:
        layers.append(augmentation)
    layers.append(keras.layers.Flatten())
    for u in hidden_units:
        layers.append(keras.layers.Dense(u))
        if dropout > 0:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    return keras.Sequential(layers)
''')
att("04-bm-dropout0", "04", "build_model", "always adds Dropout, even Dropout(0.0)", '''
def build_model(hidden_units=(128,), dropout=0.0, augmentation=None):
    layers = [keras.Input(shape=(28, 28))]
    if augmentation is not None:
        layers.append(augmentation)
    layers.append(keras.layers.Flatten())
    for u in hidden_units:
        layers.append(keras.layers.Dense(u, activation="relu"))
        layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    return keras.Sequential(layers)
''')
att("04-bm-hardcoded", "04", "build_model", "hard-coded one Dense(128), ignores hidden_units", '''
def build_model(hidden_units=(128,), dropout=0.0, augmentation=None):
    layers = [keras.Input(shape=(28, 28))]
    if augmentation is not None:
        layers.append(augmentation)
    layers.append(keras.layers.Flatten())
    layers.append(keras.layers.Dense(128, activation="relu"))
    if dropout > 0:
        layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    return keras.Sequential(layers)
''')
att("04-bm-augafter", "04", "build_model", "augmentation placed after Flatten (in the wrong place)", '''
def build_model(hidden_units=(128,), dropout=0.0, augmentation=None):
    layers = [keras.Input(shape=(28, 28)), keras.layers.Flatten()]
    if augmentation is not None:
        layers.append(augmentation)
    for u in hidden_units:
        layers.append(keras.layers.Dense(u, activation="relu"))
        if dropout > 0:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    return keras.Sequential(layers)
''')
att("04-bm-logits", "04", "build_model", "last Dense(10) without softmax (logits)", '''
def build_model(hidden_units=(128,), dropout=0.0, augmentation=None):
    layers = [keras.Input(shape=(28, 28))]
    if augmentation is not None:
        layers.append(augmentation)
    layers.append(keras.layers.Flatten())
    for u in hidden_units:
        layers.append(keras.layers.Dense(u, activation="relu"))
        if dropout > 0:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(10))
    return keras.Sequential(layers)
''')
att("04-bm-noaug", "04", "build_model", "ignores the augmentation argument", '''
def build_model(hidden_units=(128,), dropout=0.0, augmentation=None):
    layers = [keras.Input(shape=(28, 28)), keras.layers.Flatten()]
    for u in hidden_units:
        layers.append(keras.layers.Dense(u, activation="relu"))
        if dropout > 0:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    return keras.Sequential(layers)
''')
att("04-cm-string", "04", "compile_model", 'optimizer="adam" string, learning rate ignored', '''
def compile_model(model, learning_rate=1e-3):
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
''')
att("04-cm-categorical", "04", "compile_model", "categorical (not sparse) cross-entropy", '''
def compile_model(model, learning_rate=1e-3):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    return model
''')
att("04-cm-binary", "04", "compile_model", "binary cross-entropy, as in sigmoid tutorials", '''
def compile_model(model, learning_rate=1e-3):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss="binary_crossentropy", metrics=["accuracy"])
    return model
''')
att("04-cm-noreturn", "04", "compile_model", "forgot to return the model", '''
def compile_model(model, learning_rate=1e-3):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
''')
att("04-cm-sgd", "04", "compile_model", "SGD instead of Adam", '''
def compile_model(model, learning_rate=1e-3):
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
''')
att("04-cm-fromlogits", "04", "compile_model", "loss with from_logits=True on a softmax model", '''
def compile_model(model, learning_rate=1e-3):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model
''')
att("04-cm-nometric", "04", "compile_model", "forgot metrics=['accuracy']", '''
def compile_model(model, learning_rate=1e-3):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy")
    return model
''')
_FILL = 'fill_mode="constant", fill_value=0.0'
att("04-au-radians", "04", "augment", "rotation converted to radians (factor*2*pi)", f'''
def augment(rotation=0.02, shift=0.05, zoom=0.05):
    import math
    return keras.Sequential([
        keras.layers.Reshape((28, 28, 1)),
        keras.layers.RandomRotation(rotation * 2 * math.pi, {_FILL}),
        keras.layers.RandomTranslation(shift, shift, {_FILL}),
        keras.layers.RandomZoom(zoom, {_FILL}),
    ], name="augment")
''')
att("04-au-reflect", "04", "augment", "no fill_mode at all (Keras' reflect default)", '''
def augment(rotation=0.02, shift=0.05, zoom=0.05):
    return keras.Sequential([
        keras.layers.Reshape((28, 28, 1)),
        keras.layers.RandomRotation(rotation),
        keras.layers.RandomTranslation(shift, shift),
        keras.layers.RandomZoom(zoom),
    ], name="augment")
''')
att("04-au-zoomreflect", "04", "augment", "fill_mode on rotation and translation, forgot it on the zoom", f'''
def augment(rotation=0.02, shift=0.05, zoom=0.05):
    return keras.Sequential([
        keras.layers.Reshape((28, 28, 1)),
        keras.layers.RandomRotation(rotation, {_FILL}),
        keras.layers.RandomTranslation(shift, shift, {_FILL}),
        keras.layers.RandomZoom(zoom),
    ], name="augment")
''')
att("04-au-noreshape", "04", "augment", "forgot the Reshape (no channel axis)", f'''
def augment(rotation=0.02, shift=0.05, zoom=0.05):
    return keras.Sequential([
        keras.layers.RandomRotation(rotation, {_FILL}),
        keras.layers.RandomTranslation(shift, shift, {_FILL}),
        keras.layers.RandomZoom(zoom, {_FILL}),
    ], name="augment")
''')
att("04-au-flip", "04", "augment", "added a RandomFlip, as image tutorials do", f'''
def augment(rotation=0.02, shift=0.05, zoom=0.05):
    return keras.Sequential([
        keras.layers.Reshape((28, 28, 1)),
        keras.layers.RandomFlip("horizontal"),
        keras.layers.RandomRotation(rotation, {_FILL}),
        keras.layers.RandomTranslation(shift, shift, {_FILL}),
        keras.layers.RandomZoom(zoom, {_FILL}),
    ], name="augment")
''')
att("04-au-noname", "04", "augment", "Sequential not named 'augment'", f'''
def augment(rotation=0.02, shift=0.05, zoom=0.05):
    return keras.Sequential([
        keras.layers.Reshape((28, 28, 1)),
        keras.layers.RandomRotation(rotation, {_FILL}),
        keras.layers.RandomTranslation(shift, shift, {_FILL}),
        keras.layers.RandomZoom(zoom, {_FILL}),
    ])
''')
att("04-au-shiftonly1", "04", "augment", "RandomTranslation(shift, 0): only up/down shifts", f'''
def augment(rotation=0.02, shift=0.05, zoom=0.05):
    return keras.Sequential([
        keras.layers.Reshape((28, 28, 1)),
        keras.layers.RandomRotation(rotation, {_FILL}),
        keras.layers.RandomTranslation(shift, 0.0, {_FILL}),
        keras.layers.RandomZoom(zoom, {_FILL}),
    ], name="augment")
''')
att("04-au-hardcoded", "04", "augment", "hard-coded 0.02/0.05/0.05, ignores the arguments", f'''
def augment(rotation=0.02, shift=0.05, zoom=0.05):
    return keras.Sequential([
        keras.layers.Reshape((28, 28, 1)),
        keras.layers.RandomRotation(0.02, {_FILL}),
        keras.layers.RandomTranslation(0.05, 0.05, {_FILL}),
        keras.layers.RandomZoom(0.05, {_FILL}),
    ], name="augment")
''')

# ---------------------------------------------------------------- lesson 05
_ES = 'keras.callbacks.EarlyStopping(monitor="val_loss", patience=PATIENCE, restore_best_weights=True)'
att("05-tr-noseed", "05", "train", "forgot to seed", f'''
def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    stop = {_ES}
    return model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
                     batch_size=batch_size, callbacks=[stop], verbose=verbose)
''')
att("05-tr-seedlate", "05", "train", "seeds after model.fit", f'''
def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    stop = {_ES}
    history = model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
                        batch_size=batch_size, callbacks=[stop], verbose=verbose)
    keras.utils.set_random_seed(seed)
    return history
''')
att("05-tr-monitorloss", "05", "train", "EarlyStopping watches 'loss' instead of 'val_loss'", '''
def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    keras.utils.set_random_seed(seed)
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=PATIENCE, restore_best_weights=True)
    return model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
                     batch_size=batch_size, callbacks=[stop], verbose=verbose)
''')
att("05-tr-norestore", "05", "train", "EarlyStopping without restore_best_weights", '''
def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    keras.utils.set_random_seed(seed)
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=PATIENCE)
    return model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
                     batch_size=batch_size, callbacks=[stop], verbose=verbose)
''')
att("05-tr-patience3", "05", "train", "patience hard-coded to 3", '''
def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    keras.utils.set_random_seed(seed)
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    return model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
                     batch_size=batch_size, callbacks=[stop], verbose=verbose)
''')
att("05-tr-valsplit", "05", "train", "validation_split=0.1 instead of the given validation set", f'''
def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    keras.utils.set_random_seed(seed)
    stop = {_ES}
    return model.fit(x_train, y_train, validation_split=0.1, epochs=epochs,
                     batch_size=batch_size, callbacks=[stop], verbose=verbose)
''')
att("05-tr-retmodel", "05", "train", "returns the model instead of the History", f'''
def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    keras.utils.set_random_seed(seed)
    stop = {_ES}
    model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
              batch_size=batch_size, callbacks=[stop], verbose=verbose)
    return model
''')
att("05-tr-nocallback", "05", "train", "built the EarlyStopping but forgot to pass callbacks=", f'''
def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    keras.utils.set_random_seed(seed)
    stop = {_ES}
    return model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
                     batch_size=batch_size, verbose=verbose)
''')
att("05-tr-batchignored", "05", "train", "batch_size not passed on (Keras default 32)", f'''
def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    keras.utils.set_random_seed(seed)
    stop = {_ES}
    return model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
                     callbacks=[stop], verbose=verbose)
''')
att("05-tr-verbose1", "05", "train", "verbose=1 hard-coded instead of passing verbose on", f'''
def train(model, x_train, y_train, x_val, y_val, epochs=5, batch_size=128, seed=0, verbose="auto"):
    keras.utils.set_random_seed(seed)
    stop = {_ES}
    return model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
                     batch_size=batch_size, callbacks=[stop], verbose=1)
''')
att("05-hf-index0", "05", "history_frame", "plain DataFrame: epochs counted from 0", '''
def history_frame(history):
    return pd.DataFrame(history.history)
''')
att("05-hf-noname", "05", "history_frame", "index from 1 but not named 'epoch'", '''
def history_frame(history):
    frame = pd.DataFrame(history.history)
    frame.index = range(1, len(frame) + 1)
    return frame
''')
att("05-hf-transposed", "05", "history_frame", "one row per metric (transposed)", '''
def history_frame(history):
    frame = pd.DataFrame.from_dict(history.history, orient="index")
    frame.columns = pd.RangeIndex(1, frame.shape[1] + 1, name="epoch")
    return frame
''')
att("05-hf-history", "05", "history_frame", "DataFrame(history) instead of history.history", '''
def history_frame(history):
    frame = pd.DataFrame(history)
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="epoch")
    return frame
''')
att("05-ph-oneaxes", "05", "plot_history", "all four curves on one axes", '''
def plot_history(history):
    frame = history_frame(history)
    fig, ax = plt.subplots()
    for column in ["loss", "val_loss", "accuracy", "val_accuracy"]:
        ax.plot(frame.index, frame[column], label=column)
    ax.set_xlabel("epoch")
    ax.legend()
    return fig
''')
att("05-ph-nolegend", "05", "plot_history", "no legend", '''
def plot_history(history):
    frame = history_frame(history)
    fig, axes = plt.subplots(1, 2)
    for ax, metric in zip(axes, ["loss", "accuracy"]):
        ax.plot(frame.index, frame[metric], label=metric)
        ax.plot(frame.index, frame["val_" + metric], label="val_" + metric)
        ax.set_xlabel("epoch")
    return fig
''')
att("05-ph-from0", "05", "plot_history", "plots the raw lists: x axis from 0", '''
def plot_history(history):
    h = history.history
    fig, axes = plt.subplots(1, 2)
    for ax, metric in zip(axes, ["loss", "accuracy"]):
        ax.plot(h[metric], label=metric)
        ax.plot(h["val_" + metric], label="val_" + metric)
        ax.set_xlabel("epoch")
        ax.legend()
    return fig
''')
att("05-ph-show", "05", "plot_history", "plt.show() and no return", '''
def plot_history(history):
    frame = history_frame(history)
    fig, axes = plt.subplots(1, 2)
    for ax, metric in zip(axes, ["loss", "accuracy"]):
        ax.plot(frame.index, frame[metric], label=metric)
        ax.plot(frame.index, frame["val_" + metric], label="val_" + metric)
        ax.set_xlabel("epoch")
        ax.legend()
    plt.show()
''')
att("05-ph-noval", "05", "plot_history", "plots only the training curves", '''
def plot_history(history):
    frame = history_frame(history)
    fig, axes = plt.subplots(1, 2)
    for ax, metric in zip(axes, ["loss", "accuracy"]):
        ax.plot(frame.index, frame[metric], label=metric)
        ax.set_xlabel("epoch")
        ax.legend()
    return fig
''')
att("05-ph-swapped", "05", "plot_history", "accuracy on the first axes, loss on the second", '''
def plot_history(history):
    frame = history_frame(history)
    fig, axes = plt.subplots(1, 2)
    for ax, metric in zip(axes, ["accuracy", "loss"]):
        ax.plot(frame.index, frame[metric], label=metric)
        ax.plot(frame.index, frame["val_" + metric], label="val_" + metric)
        ax.set_xlabel("epoch")
        ax.legend()
    return fig
''')

# ---------------------------------------------------------------- lesson 06
att("06-pl-max", "06", "predict_labels", "np.max instead of np.argmax", '''
def predict_labels(model, x):
    return np.max(model.predict(x, verbose=0), axis=1)
''')
att("06-pl-axis0", "06", "predict_labels", "argmax along axis=0", '''
def predict_labels(model, x):
    return np.argmax(model.predict(x, verbose=0), axis=0)
''')
att("06-pl-noaxis", "06", "predict_labels", "np.argmax without axis (one flat index)", '''
def predict_labels(model, x):
    return np.argmax(model.predict(x, verbose=0))
''')
att("06-pl-verbose", "06", "predict_labels", "model.predict without verbose=0 (progress bar)", '''
def predict_labels(model, x):
    return np.argmax(model.predict(x), axis=1)
''')
att("06-ac-percent", "06", "accuracy", "returns a percentage", '''
def accuracy(y_true, y_pred):
    return float(np.mean(y_true == y_pred) * 100)
''')
att("06-ac-count", "06", "accuracy", "returns the count of right answers", '''
def accuracy(y_true, y_pred):
    return int(np.sum(y_true == y_pred))
''')
att("06-ac-intdiv", "06", "accuracy", "integer division: always 0 unless all right", '''
def accuracy(y_true, y_pred):
    return (y_true == y_pred).sum() // len(y_true)
''')
att("06-ac-npfloat", "06", "accuracy", "returns np.float64 from np.mean, not a Python float", '''
def accuracy(y_true, y_pred):
    return np.mean(y_true == y_pred)
''')
att("06-cf-nolabels", "06", "confusion", "confusion_matrix without labels=range(10)", '''
def confusion(y_true, y_pred):
    return confusion_matrix(y_true, y_pred)
''')
att("06-cf-swapped", "06", "confusion", "arguments swapped: predictions as rows", '''
def confusion(y_true, y_pred):
    return confusion_matrix(y_pred, y_true, labels=DIGITS)
''')
att("06-cf-handswap", "06", "confusion", "hand-rolled loop counting cm[p, t]", '''
def confusion(y_true, y_pred):
    cm = np.zeros((10, 10), int)
    for t, p in zip(y_true, y_pred):
        cm[p, t] += 1
    return cm
''')
att("06-cf-float", "06", "confusion", "normalised rows (normalize='true') instead of counts", '''
def confusion(y_true, y_pred):
    return confusion_matrix(y_true, y_pred, labels=DIGITS, normalize="true")
''')
att("06-pc-nofmt", "06", "plot_confusion", "annot=True without fmt='d'", '''
def plot_confusion(cm):
    fig, ax = plt.subplots()
    sns.heatmap(cm, annot=True, ax=ax)
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    return fig
''')
att("06-pc-labelsswapped", "06", "plot_confusion", "axis labels swapped", '''
def plot_confusion(cm):
    fig, ax = plt.subplots()
    sns.heatmap(cm, annot=True, fmt="d", ax=ax)
    ax.set_xlabel("true digit")
    ax.set_ylabel("predicted digit")
    return fig
''')
att("06-pc-noannot", "06", "plot_confusion", "heatmap without annotations", '''
def plot_confusion(cm):
    fig, ax = plt.subplots()
    sns.heatmap(cm, ax=ax)
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    return fig
''')
att("06-pc-returnsax", "06", "plot_confusion", "returns the Axes that heatmap gives, not the Figure", '''
def plot_confusion(cm):
    ax = sns.heatmap(cm, annot=True, fmt="d")
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    return ax
''')
att("06-pc-transposed", "06", "plot_confusion", "draws cm.T (true digits across)", '''
def plot_confusion(cm):
    fig, ax = plt.subplots()
    sns.heatmap(cm.T, annot=True, fmt="d", ax=ax)
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    return fig
''')
att("06-mc-diagonal", "06", "most_confused", "keeps the diagonal (right answers) among the pairs", '''
def most_confused(cm, k=5):
    rows = [(t, p, int(cm[t, p])) for t in range(10) for p in range(10)]
    frame = pd.DataFrame(rows, columns=["true", "predicted", "count"])
    return frame.sort_values("count", ascending=False).head(k).reset_index(drop=True)
''')
att("06-mc-mutates", "06", "most_confused", "np.fill_diagonal(cm, 0) on the caller's matrix", '''
def most_confused(cm, k=5):
    np.fill_diagonal(cm, 0)
    rows = [(t, p, int(cm[t, p])) for t in range(10) for p in range(10)]
    frame = pd.DataFrame(rows, columns=["true", "predicted", "count"])
    frame = frame[frame["count"] > 0]
    return frame.sort_values("count", ascending=False).head(k).reset_index(drop=True)
''')
att("06-mc-ascending", "06", "most_confused", "sorted ascending (smallest counts first)", '''
def most_confused(cm, k=5):
    rows = [(t, p, int(cm[t, p])) for t in range(10) for p in range(10) if t != p]
    frame = pd.DataFrame(rows, columns=["true", "predicted", "count"])
    return frame.sort_values("count").head(k).reset_index(drop=True)
''')
att("06-mc-noreset", "06", "most_confused", "index not reset after sorting", '''
def most_confused(cm, k=5):
    rows = [(t, p, int(cm[t, p])) for t in range(10) for p in range(10) if t != p]
    frame = pd.DataFrame(rows, columns=["true", "predicted", "count"])
    return frame.sort_values("count", ascending=False).head(k)
''')
att("06-mc-swapped", "06", "most_confused", "true and predicted swapped (read columns as true)", '''
def most_confused(cm, k=5):
    rows = [(p, t, int(cm[t, p])) for t in range(10) for p in range(10) if t != p]
    frame = pd.DataFrame(rows, columns=["true", "predicted", "count"])
    return frame.sort_values("count", ascending=False).head(k).reset_index(drop=True)
''')
att("06-pr-swapped", "06", "per_class_report", "precision and recall columns swapped", '''
def per_class_report(y_true, y_pred):
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=DIGITS, zero_division=0)
    return pd.DataFrame({"precision": r, "recall": p, "f1": f, "support": s},
                        index=pd.Index(range(10), name="digit"))
''')
att("06-pr-nolabels", "06", "per_class_report", "no labels=: digits missing from a sample vanish", '''
def per_class_report(y_true, y_pred):
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, zero_division=0)
    return pd.DataFrame({"precision": p, "recall": r, "f1": f, "support": s},
                        index=pd.Index(range(len(p)), name="digit"))
''')
att("06-pr-noname", "06", "per_class_report", "index not named 'digit'", '''
def per_class_report(y_true, y_pred):
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=DIGITS, zero_division=0)
    return pd.DataFrame({"precision": p, "recall": r, "f1": f, "support": s})
''')
att("06-pr-f1score", "06", "per_class_report", "column named 'f1-score' as in classification_report", '''
def per_class_report(y_true, y_pred):
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=DIGITS, zero_division=0)
    return pd.DataFrame({"precision": p, "recall": r, "f1-score": f, "support": s},
                        index=pd.Index(range(10), name="digit"))
''')
att("06-pr-supportfloat", "06", "per_class_report", "support as a float fraction of images", '''
def per_class_report(y_true, y_pred):
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=DIGITS, zero_division=0)
    return pd.DataFrame({"precision": p, "recall": r, "f1": f, "support": s / s.sum()},
                        index=pd.Index(range(10), name="digit"))
''')

# ---------------------------------------------------------------- lesson 07
att("07-ri-noalpha", "07", "read_image", "ignores alpha (strokes vanish on a black transparent canvas)", '''
def read_image(path):
    grey, alpha = open_picture(path)
    return np.round(grey).astype(np.uint8)
''')
att("07-ri-alwayswhite", "07", "read_image", "always a white backdrop (light strokes vanish)", '''
def read_image(path):
    grey, alpha = open_picture(path)
    return np.round(grey * alpha + 255 * (1 - alpha)).astype(np.uint8)
''')
att("07-ri-unweighted", "07", "read_image", "decides dark/light from the plain mean of grey, not alpha-weighted", '''
def read_image(path):
    grey, alpha = open_picture(path)
    backdrop = 255.0 if grey.mean() < 128 else 0.0
    return np.round(grey * alpha + backdrop * (1 - alpha)).astype(np.uint8)
''')
att("07-ri-truncate", "07", "read_image", "astype(uint8) without rounding", '''
def read_image(path):
    grey, alpha = open_picture(path)
    weight = alpha.sum()
    dark = weight == 0 or (grey * alpha).sum() / weight < 128
    backdrop = 255.0 if dark else 0.0
    return (grey * alpha + backdrop * (1 - alpha)).astype(np.uint8)
''')
att("07-wb-always", "07", "white_on_black", "always inverts (forgot ink_is_dark)", '''
def white_on_black(picture):
    return 255 - picture.astype(np.float32)
''')
att("07-wb-uint8", "07", "white_on_black", "stays uint8 (no float32)", '''
def white_on_black(picture):
    if ink_is_dark(picture):
        return 255 - picture
    return picture
''')
att("07-wb-flipped", "07", "white_on_black", "condition inverted", '''
def white_on_black(picture):
    picture = picture.astype(np.float32)
    if not ink_is_dark(picture):
        return 255 - picture
    return picture
''')
att("07-wb-onescale", "07", "white_on_black", "1 - picture (thinks grey levels are 0..1)", '''
def white_on_black(picture):
    picture = picture.astype(np.float32)
    if ink_is_dark(picture):
        return 1 - picture
    return picture
''')
att("07-el-nodivide", "07", "even_out_lighting", "subtracts the paper but does not divide", '''
def even_out_lighting(ink):
    return np.clip(ink - paper_level(ink), 0, None).astype(np.float32)
''')
att("07-el-noclip", "07", "even_out_lighting", "no clip: negative values stay", '''
def even_out_lighting(ink):
    paper = paper_level(ink)
    return ((ink - paper) / np.maximum(255 - paper, 16) * 255).astype(np.float32)
''')
att("07-el-divpaper", "07", "even_out_lighting", "divides by the paper level, not the room 255 - paper", '''
def even_out_lighting(ink):
    paper = paper_level(ink)
    return np.clip((ink - paper) / np.maximum(paper, 16) * 255, 0, None).astype(np.float32)
''')
att("07-el-no255", "07", "even_out_lighting", "forgot to multiply by 255 (values 0..1)", '''
def even_out_lighting(ink):
    paper = paper_level(ink)
    return np.clip((ink - paper) / np.maximum(255 - paper, 16), 0, None).astype(np.float32)
''')
att("07-si-fixed128", "07", "separate_ink", "fixed threshold 128 on the raw signal, no Otsu, no blank-page error", '''
def separate_ink(signal):
    return signal > 128
''')
att("07-si-noerror", "07", "separate_ink", "never raises on a blank page", '''
def separate_ink(signal):
    contrast = np.percentile(signal, 99.9)
    scaled = np.clip(signal * (255 / max(contrast, 1e-6)), 0, 255).astype(np.uint8)
    level, _ = cv2.threshold(scaled, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return scaled > max(level, INK_FLOOR * 255)
''')
att("07-si-nofloor", "07", "separate_ink", "Otsu without the INK_FLOOR", '''
def separate_ink(signal):
    contrast = np.percentile(signal, 99.9)
    if contrast < MIN_CONTRAST or contrast < 6 * noise_level(signal):
        raise ValueError("no digit found in the image")
    scaled = np.clip(signal * (255 / contrast), 0, 255).astype(np.uint8)
    level, _ = cv2.threshold(scaled, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return scaled > level
''')
att("07-si-uint8", "07", "separate_ink", "returns cv2.threshold's 0/255 uint8 picture, not bool", '''
def separate_ink(signal):
    contrast = np.percentile(signal, 99.9)
    if contrast < MIN_CONTRAST or contrast < 6 * noise_level(signal):
        raise ValueError("no digit found in the image")
    scaled = np.clip(signal * (255 / contrast), 0, 255).astype(np.uint8)
    level, out = cv2.threshold(scaled, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if level < INK_FLOOR * 255:
        _, out = cv2.threshold(scaled, INK_FLOOR * 255, 255, cv2.THRESH_BINARY)
    return out
''')
att("07-si-nonoise", "07", "separate_ink", "forgot the grain test (only MIN_CONTRAST)", '''
def separate_ink(signal):
    contrast = np.percentile(signal, 99.9)
    if contrast < MIN_CONTRAST:
        raise ValueError("no digit found in the image")
    scaled = np.clip(signal * (255 / contrast), 0, 255).astype(np.uint8)
    level, _ = cv2.threshold(scaled, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return scaled > max(level, INK_FLOOR * 255)
''')
att("07-kd-biggest", "07", "keep_digit", "keeps only the best blob", '''
def keep_digit(mask):
    blobs = find_blobs(mask)
    if not blobs:
        raise ValueError("no digit found in the image")
    return max(blobs, key=lambda b: b.score).pixels
''')
att("07-kd-onepass", "07", "keep_digit", "one pass, no repeat until no blob joins", '''
def keep_digit(mask):
    blobs = find_blobs(mask)
    if not blobs:
        raise ValueError("no digit found in the image")
    main = max(blobs, key=lambda b: b.score)
    kept = [main]
    for blob in blobs:
        if blob is not main and blob.near([main]) and blob.area >= NEAR_SIZE * main.area:
            kept.append(blob)
    out = np.zeros_like(mask, dtype=bool)
    for blob in kept:
        out |= blob.pixels
    return out
''')
att("07-kd-nosize", "07", "keep_digit", "joins every near blob, forgot the 3% size test", '''
def keep_digit(mask):
    blobs = find_blobs(mask)
    if not blobs:
        raise ValueError("no digit found in the image")
    kept = [max(blobs, key=lambda b: b.score)]
    rest = [b for b in blobs if b is not kept[0]]
    joined = True
    while joined:
        joined = False
        for blob in list(rest):
            if blob.near(kept):
                kept.append(blob)
                rest.remove(blob)
                joined = True
    out = np.zeros_like(mask, dtype=bool)
    for blob in kept:
        out |= blob.pixels
    return out
''')
att("07-kd-all", "07", "keep_digit", "returns the whole mask (keeps everything)", '''
def keep_digit(mask):
    if not mask.any():
        raise ValueError("no digit found in the image")
    return mask
''')
att("07-cr-offbyone", "07", "crop_to_ink", "slice stops before the last row and column", '''
def crop_to_ink(digit):
    rows = np.where(digit.any(axis=1))[0]
    cols = np.where(digit.any(axis=0))[0]
    return digit[rows[0]:rows[-1], cols[0]:cols[-1]]
''')
att("07-cr-axes", "07", "crop_to_ink", "rows and columns mixed up (any(axis=0) for rows)", '''
def crop_to_ink(digit):
    rows = np.where(digit.any(axis=0))[0]
    cols = np.where(digit.any(axis=1))[0]
    return digit[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
''')
att("07-cr-boundingrect", "07", "crop_to_ink", "cv2.boundingRect's (x, y, w, h) read as (y, x, h, w)", '''
def crop_to_ink(digit):
    y, x, h, w = cv2.boundingRect(digit.astype(np.uint8))
    return digit[y:y + h, x:x + w]
''')
att("07-fb-square", "07", "fit_in_box", "resizes to 20x20, squashing the shape", '''
def fit_in_box(crop):
    return cv2.resize(crop.astype(np.float32), (20, 20), interpolation=cv2.INTER_AREA)
''')
att("07-fb-hw", "07", "fit_in_box", "passes (height, width) to cv2.resize", '''
def fit_in_box(crop):
    h, w = crop.shape
    scale = 20 / max(h, w)
    size = (max(1, round(h * scale)), max(1, round(w * scale)))
    return cv2.resize(crop.astype(np.float32), size, interpolation=cv2.INTER_AREA)
''')
att("07-fb-nearest", "07", "fit_in_box", "INTER_NEAREST: no anti-aliased edges", '''
def fit_in_box(crop):
    h, w = crop.shape
    scale = 20 / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(crop.astype(np.float32), size, interpolation=cv2.INTER_NEAREST)
''')
att("07-fb-int", "07", "fit_in_box", "int() truncation instead of round, no minimum of 1", '''
def fit_in_box(crop):
    h, w = crop.shape
    scale = 20 / max(h, w)
    size = (int(w * scale), int(h * scale))
    return cv2.resize(crop.astype(np.float32), size, interpolation=cv2.INTER_AREA)
''')
att("07-fb-uint8", "07", "fit_in_box", "works in 0..255 uint8, returns 0..255", '''
def fit_in_box(crop):
    h, w = crop.shape
    scale = 20 / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(crop.astype(np.uint8) * 255, size, interpolation=cv2.INTER_AREA)
''')
att("07-cm-bbox", "07", "centre_by_mass", "centres the box only, no shift by the centre of mass", '''
def centre_by_mass(boxed):
    h, w = boxed.shape
    frame = np.zeros((28, 28), np.float32)
    top, left = (28 - h) // 2, (28 - w) // 2
    frame[top:top + h, left:left + w] = boxed
    return frame
''')
att("07-cm-xyswap", "07", "centre_by_mass", "x and y swapped in the shift matrix", '''
def centre_by_mass(boxed):
    h, w = boxed.shape
    frame = np.zeros((28, 28), np.float32)
    top, left = (28 - h) // 2, (28 - w) // 2
    frame[top:top + h, left:left + w] = boxed
    m = cv2.moments(frame)
    x, y = m["m10"] / m["m00"], m["m01"] / m["m00"]
    shift = np.float32([[1, 0, 14 - y], [0, 1, 14 - x]])
    return np.clip(cv2.warpAffine(frame, shift, (28, 28)), 0, 1)
''')
att("07-cm-sign", "07", "centre_by_mass", "shift sign reversed (x - 14)", '''
def centre_by_mass(boxed):
    h, w = boxed.shape
    frame = np.zeros((28, 28), np.float32)
    top, left = (28 - h) // 2, (28 - w) // 2
    frame[top:top + h, left:left + w] = boxed
    m = cv2.moments(frame)
    x, y = m["m10"] / m["m00"], m["m01"] / m["m00"]
    shift = np.float32([[1, 0, x - 14], [0, 1, y - 14]])
    return np.clip(cv2.warpAffine(frame, shift, (28, 28)), 0, 1)
''')
att("07-cm-m00swap", "07", "centre_by_mass", "x from m01 and y from m10 (moments read the wrong way)", '''
def centre_by_mass(boxed):
    h, w = boxed.shape
    frame = np.zeros((28, 28), np.float32)
    top, left = (28 - h) // 2, (28 - w) // 2
    frame[top:top + h, left:left + w] = boxed
    m = cv2.moments(frame)
    x, y = m["m01"] / m["m00"], m["m10"] / m["m00"]
    shift = np.float32([[1, 0, 14 - x], [0, 1, 14 - y]])
    return np.clip(cv2.warpAffine(frame, shift, (28, 28)), 0, 1)
''')
att("07-cm-float64", "07", "centre_by_mass", "frame in float64 (np.zeros default)", '''
def centre_by_mass(boxed):
    h, w = boxed.shape
    frame = np.zeros((28, 28))
    top, left = (28 - h) // 2, (28 - w) // 2
    frame[top:top + h, left:left + w] = boxed
    m = cv2.moments(frame)
    x, y = m["m10"] / m["m00"], m["m01"] / m["m00"]
    shift = np.float32([[1, 0, 14 - x], [0, 1, 14 - y]])
    return np.clip(cv2.warpAffine(frame, shift, (28, 28)), 0, 1)
''')
_PP_HEAD = '''
def preprocess_digit(grey, stages=None):
    picture = working_copy(grey)
    signal = even_out_lighting(white_on_black(picture))
    mask = separate_ink(signal)
'''
_PP_EDGE = '''    edges = edge_bands(mask)
    if edges.any():
        signal = signal.copy()
        signal[edges] = 0
        mask = separate_ink(signal)
'''
_PP_TAIL = '''    if stages is not None:
        stages.update(picture=picture, ink=signal, mask=mask, digit=digit)
    return image
'''
att("07-pp-nostroke", "07", "preprocess_digit", "skips match_stroke_width", _PP_HEAD + _PP_EDGE + '''    digit = keep_digit(mask)
    image = centre_by_mass(fit_in_box(crop_to_ink(digit)))
''' + _PP_TAIL)
att("07-pp-noedge", "07", "preprocess_digit", "skips the edge_bands step", _PP_HEAD + '''    digit = keep_digit(mask)
    image = centre_by_mass(fit_in_box(match_stroke_width(crop_to_ink(digit))))
''' + _PP_TAIL)
att("07-pp-noworking", "07", "preprocess_digit", "skips working_copy", '''
def preprocess_digit(grey, stages=None):
    picture = grey
    signal = even_out_lighting(white_on_black(picture))
    mask = separate_ink(signal)
''' + _PP_EDGE + '''    digit = keep_digit(mask)
    image = centre_by_mass(fit_in_box(match_stroke_width(crop_to_ink(digit))))
''' + _PP_TAIL)
att("07-pp-nostages", "07", "preprocess_digit", "ignores the stages argument", _PP_HEAD + _PP_EDGE + '''    digit = keep_digit(mask)
    image = centre_by_mass(fit_in_box(match_stroke_width(crop_to_ink(digit))))
    return image
''')
att("07-pp-edgenoresep", "07", "preprocess_digit", "zeroes the edge but does not separate_ink again", _PP_HEAD + '''    edges = edge_bands(mask)
    if edges.any():
        signal = signal.copy()
        signal[edges] = 0
        mask = mask & ~edges
    digit = keep_digit(mask)
    image = centre_by_mass(fit_in_box(match_stroke_width(crop_to_ink(digit))))
''' + _PP_TAIL)
att("07-pd-nobatch", "07", "predict_digit", "no batch axis: model.predict(image)", '''
def predict_digit(model, image):
    probabilities = model.predict(image, verbose=0)
    return int(np.argmax(probabilities)), probabilities
''')
att("07-pd-npint", "07", "predict_digit", "returns np.int64 from argmax, not int; single image only", '''
def predict_digit(model, image):
    batch = image.reshape((1,) + tuple(model.input_shape[1:]))
    probabilities = model.predict(batch, verbose=0)[0]
    return np.argmax(probabilities), probabilities
''')
att("07-pd-nobatchcase", "07", "predict_digit", "handles one image only (a batch breaks)", '''
def predict_digit(model, image):
    batch = image.reshape((1,) + tuple(model.input_shape[1:]))
    probabilities = model.predict(batch, verbose=0)[0]
    return int(np.argmax(probabilities)), probabilities
''')
att("07-pd-nosoftmax", "07", "predict_digit", "no softmax for a logits model", '''
def predict_digit(model, image):
    single = image.ndim == 2
    batch = image.reshape((-1,) + tuple(model.input_shape[1:]))
    probabilities = model.predict(batch, verbose=0)
    digits = np.argmax(probabilities, axis=1)
    if single:
        return int(digits[0]), probabilities[0]
    return digits, probabilities
''')
att("07-pd-noreshape", "07", "predict_digit", "adds the batch axis but ignores model.input_shape", '''
def predict_digit(model, image):
    single = image.ndim == 2
    batch = image[None] if single else image
    probabilities = model.predict(batch, verbose=0)
    if not np.allclose(probabilities.sum(axis=1), 1, atol=1e-3) or probabilities.min() < 0:
        probabilities = np.exp(probabilities - probabilities.max(axis=1, keepdims=True))
        probabilities = probabilities / probabilities.sum(axis=1, keepdims=True)
    digits = np.argmax(probabilities, axis=1)
    if single:
        return int(digits[0]), probabilities[0]
    return digits, probabilities
''')
_EF = '''
def explain_figure(grey, image, probabilities, mnist_means=None):
    stages = {}
    preprocess_digit(grey, stages=stages)
    fig, axes = plt.subplot_mosaic(LAYOUT, figsize=(12, 6.4), layout="constrained")
    show_stages(axes, stages)
    axes["input"].imshow(image, cmap="gray")
    digit = int(np.argmax(probabilities))
'''
att("07-ef-show", "07", "explain_figure", "plt.show() and no return", _EF + '''    if mnist_means is not None:
        axes["mean"].imshow(mnist_means[digit], cmap="gray")
    axes["bars"].bar(range(10), probabilities)
    axes["bars"].set_xlabel("digit")
    axes["bars"].set_ylabel("probability")
    plt.show()
''')
att("07-ef-nomean", "07", "explain_figure", "ignores mnist_means", _EF + '''    axes["bars"].bar(range(10), probabilities)
    axes["bars"].set_xlabel("digit")
    axes["bars"].set_ylabel("probability")
    return fig
''')
att("07-ef-nolabels", "07", "explain_figure", "bar chart without axis labels", _EF + '''    if mnist_means is not None:
        axes["mean"].imshow(mnist_means[digit], cmap="gray")
    axes["bars"].bar(range(10), probabilities)
    return fig
''')
att("07-ef-meanzero", "07", "explain_figure", "shows mnist_means[0] instead of the predicted digit's mean", _EF + '''    if mnist_means is not None:
        axes["mean"].imshow(mnist_means[0], cmap="gray")
    axes["bars"].bar(range(10), probabilities)
    axes["bars"].set_xlabel("digit")
    axes["bars"].set_ylabel("probability")
    return fig
''')
att("07-ef-nostages", "07", "explain_figure", "does not draw the stages (show_stages never called)", '''
def explain_figure(grey, image, probabilities, mnist_means=None):
    fig, axes = plt.subplot_mosaic(LAYOUT, figsize=(12, 6.4), layout="constrained")
    axes["input"].imshow(image, cmap="gray")
    digit = int(np.argmax(probabilities))
    if mnist_means is not None:
        axes["mean"].imshow(mnist_means[digit], cmap="gray")
    axes["bars"].bar(range(10), probabilities)
    axes["bars"].set_xlabel("digit")
    axes["bars"].set_ylabel("probability")
    return fig
''')
