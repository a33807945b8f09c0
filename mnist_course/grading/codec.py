"""The plain data that crosses between the grader and a worker, both ways, never a pickle.

A value becomes a JSON tree (`encode`) plus binary blobs, and comes back with `decode`:

| value                               | sent as                                                 |
|-------------------------------------|---------------------------------------------------------|
| None, bool, int, str, finite float  | itself                                                  |
| other floats, bytes, paths          | tagged                                                  |
| list, tuple, dict, set              | tagged containers of encoded values                     |
| numpy array or scalar               | `np.save` bytes, read back with `allow_pickle=False`    |
| array of Python objects             | its shape and its items, each encoded                   |
| pandas DataFrame, Series, Index     | columns, index and values, each encoded                 |
| Keras model                         | a `.keras` file, loaded with the course's checked, safe-mode loader |
| Keras layer                         | its config, deserialised in safe mode                   |
| Keras History                       | its `history`, `params` and `epoch`                     |
| EarlyStopping                       | its settings                                            |
| matplotlib Figure                   | the facts a check reads (`figures`), rebuilt as a Figure |
| anything else                       | `Opaque`: its type's name and a short repr             |

Decoding is bounded (depth, item count) and builds only the types above.
"""

from __future__ import annotations

import io
import math
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path, PurePath

import numpy as np

MAX_DEPTH = 60
MAX_ITEMS = 2_000_000


class CodecError(Exception):
    """A value that cannot be sent, or data that is not a value this codec makes."""


@dataclass(frozen=True)
class Opaque:
    """Something the worker returned that does not cross as data: only what it is."""

    type_name: str  # "module.QualName", as `checking.type_name` would say it
    text: str = ""

    def __repr__(self) -> str:
        return f"<{self.type_name} from your code>"


def full_type_name(value) -> str:
    kind = type(value)
    return kind.__module__.split(".")[0] + "." + kind.__qualname__


def _module(name: str):
    """A module only if someone already imported it: the data lessons never load Keras."""
    return sys.modules.get(name)


_KERAS_CLASSES: dict[str, type] = {}  # filled once Keras is imported (asked of every value sent)


def is_keras(value, kind: str) -> bool:
    if not _KERAS_CLASSES:
        keras = _module("keras")
        try:
            classes = dict(model=keras.Model, layer=keras.layers.Layer, history=keras.callbacks.History,
                           early_stopping=keras.callbacks.EarlyStopping)
        except AttributeError:  # not loaded, or a check's stand-in for it (lesson 01's offline keras)
            return False
        _KERAS_CLASSES.update(classes)
    return isinstance(value, _KERAS_CLASSES[kind])


def is_figure(value) -> bool:
    figure = _module("matplotlib.figure")
    return figure is not None and isinstance(value, figure.Figure)


def model_bytes(model) -> bytes:
    """A Keras model as the bytes of its `.keras` file."""
    import keras

    with tempfile.TemporaryDirectory(prefix="mnist-course-model-") as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "not yet built": a block not called yet is still whole
        path = Path(folder) / "model.keras"
        keras.saving.save_model(model, path)
        return path.read_bytes()


def model_from_bytes(data: bytes):
    """A Keras model from `.keras` bytes, through the course's checked, safe-mode loader."""
    from mnist_course.training.model_files import load_model

    with tempfile.TemporaryDirectory(prefix="mnist-course-model-") as folder:
        path = Path(folder) / "model.keras"
        path.write_bytes(data)
        return load_model(path, compile=True)


class Encoder:
    """Turns values into a JSON tree, collecting the binary parts in `blobs`."""

    def __init__(self):
        self.blobs: list[bytes] = []

    def blob(self, data: bytes) -> int:
        self.blobs.append(data)
        return len(self.blobs) - 1

    def array(self, array: np.ndarray) -> dict:
        if array.dtype.hasobject:
            return {"$": "objarray", "shape": list(array.shape),
                    "v": [self.encode(item) for item in array.ravel().tolist()]}
        buffer = io.BytesIO()
        np.save(buffer, np.ascontiguousarray(array) if array.ndim else array, allow_pickle=False)
        return {"$": "array", "b": self.blob(buffer.getvalue())}

    def model(self, model) -> dict:  # the grader side adds handles (`remote.GraderEncoder`)
        return {"$": "model", "b": self.blob(model_bytes(model))}

    def encode(self, value, depth: int = 0):
        if depth > MAX_DEPTH:
            raise CodecError("a value nested too deeply to send")
        deeper = depth + 1
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, np.generic):  # before float: np.float64 is a float, and must stay NumPy's
            return {"$": "scalar", "v": self.array(np.asarray(value))}
        if isinstance(value, int):
            return value if abs(value) < 2**53 else {"$": "bigint", "v": str(value)}
        if isinstance(value, float):
            return value if math.isfinite(value) else {"$": "float", "v": repr(value)}
        if isinstance(value, (bytes, bytearray)):
            return {"$": "bytes", "b": self.blob(bytes(value))}
        if isinstance(value, np.ndarray):
            return self.array(value)
        if isinstance(value, PurePath):
            return {"$": "path", "v": str(value)}
        if isinstance(value, (list, tuple, set, frozenset)):
            # A named tuple crosses as a plain one, a subclass of list as a list.
            kind = "set" if isinstance(value, (set, frozenset)) else "tuple" if isinstance(value, tuple) else "list"
            return {"$": kind, "v": [self.encode(item, deeper) for item in value]}
        if isinstance(value, dict):
            return {"$": "dict", "k": [self.encode(key, deeper) for key in value],
                    "v": [self.encode(item, deeper) for item in value.values()]}
        pandas = _module("pandas")
        if pandas is not None:
            if isinstance(value, pandas.DataFrame):
                return {"$": "frame", "columns": self.encode(list(value.columns), deeper),
                        "index": self.encode(value.index, deeper),
                        "data": [self.array(np.asarray(value.iloc[:, i])) for i in range(value.shape[1])]}
            if isinstance(value, pandas.Series):
                return {"$": "series", "name": self.encode(value.name, deeper),
                        "index": self.encode(value.index, deeper), "data": self.array(value.to_numpy())}
            if isinstance(value, pandas.Index):
                return {"$": "index", "name": self.encode(value.name, deeper), "data": self.array(value.to_numpy())}
        if is_keras(value, "model"):
            return self.model(value)
        if is_keras(value, "layer"):
            import keras

            return {"$": "layer", "config": keras.saving.serialize_keras_object(value)}
        if is_keras(value, "history"):
            return {"$": "history", "history": self.encode(value.history, deeper),
                    "params": self.encode(getattr(value, "params", {}) or {}, deeper),
                    "epoch": self.encode(list(getattr(value, "epoch", [])), deeper)}
        if is_keras(value, "early_stopping"):
            return {"$": "early_stopping", "v": self.encode(
                {name: getattr(value, name, None) for name in
                 ("monitor", "patience", "restore_best_weights", "min_delta", "mode", "baseline",
                  "start_from_epoch")}, deeper)}
        if is_figure(value):
            from mnist_course.grading.figures import figure_facts

            return {"$": "figure", "v": self.encode(figure_facts(value), deeper)}
        if hasattr(value, "__array__"):  # a TensorFlow tensor, a lazily drawn image
            return self.array(np.asarray(value))
        return {"$": "opaque", "type": full_type_name(value), "text": _short_repr(value)}


def _short_repr(value) -> str:
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a learner's __repr__ may raise
        return ""
    return text[:200]


class Decoder:
    """Turns a JSON tree and its blobs back into values."""

    def __init__(self, blobs: list[bytes]):
        self.blobs = blobs
        self.items = 0

    def blob(self, index) -> bytes:
        if not isinstance(index, int) or not 0 <= index < len(self.blobs):
            raise CodecError("a value points at a blob that is not there")
        return self.blobs[index]

    def array(self, node) -> np.ndarray:
        if node.get("$") == "objarray":
            shape = tuple(int(n) for n in node["shape"])
            items = [self.decode(item) for item in node["v"]]
            array = np.empty(len(items), dtype=object)
            array[:] = items if items else []
            return array.reshape(shape)
        try:
            array = np.load(io.BytesIO(self.blob(node["b"])), allow_pickle=False)
        except (ValueError, OSError, EOFError, MemoryError) as error:
            raise CodecError(f"an array that cannot be read ({error})") from None
        if array.dtype.itemsize == 0 and array.size:  # a shape with nothing in it (dtype V0, <U0)
            raise CodecError(f"an array of shape {array.shape} whose items hold nothing ({array.dtype})")
        return array

    def model(self, node):
        return model_from_bytes(self.blob(node["b"]))

    def decode(self, node, depth: int = 0):
        self.items += 1
        if self.items > MAX_ITEMS or depth > MAX_DEPTH:
            raise CodecError("a value too large or too deeply nested")
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if isinstance(node, list) or not isinstance(node, dict) or "$" not in node:
            raise CodecError("data that is not an encoded value")
        deeper = depth + 1
        tag = node["$"]
        if tag in ("list", "tuple", "set"):
            items = [self.decode(item, deeper) for item in node["v"]]
            return {"list": list, "tuple": tuple, "set": set}[tag](items)
        if tag == "dict":
            keys = [self.decode(key, deeper) for key in node["k"]]
            return dict(zip(keys, (self.decode(item, deeper) for item in node["v"])))
        if tag in ("array", "objarray"):
            return self.array(node)
        if tag == "scalar":
            return self.array(node["v"])[()]
        if tag == "bigint":
            return int(node["v"])
        if tag == "float":
            return float(node["v"])
        if tag == "bytes":
            return self.blob(node["b"])
        if tag == "path":
            return Path(node["v"])
        if tag in ("frame", "series", "index"):
            import pandas as pd

            if tag == "index":
                return pd.Index(self.array(node["data"]), name=self.decode(node["name"], deeper))
            index = self.decode(node["index"], deeper)
            if tag == "series":
                return pd.Series(self.array(node["data"]), index=index, name=self.decode(node["name"], deeper))
            columns = self.decode(node["columns"], deeper)
            data = [self.array(column) for column in node["data"]]
            if len(columns) != len(data):
                raise CodecError("a table whose columns and values do not match")
            return pd.DataFrame(dict(enumerate(data)), index=index).set_axis(pd.Index(columns), axis=1)
        if tag == "model":
            return self.model(node)
        if tag == "layer":
            import keras

            with keras.saving.custom_object_scope({}):
                return keras.saving.deserialize_keras_object(node["config"], safe_mode=True)
        if tag == "history":
            import keras

            history = keras.callbacks.History()
            history.history = self.decode(node["history"], deeper)
            history.params = self.decode(node["params"], deeper)
            history.epoch = self.decode(node["epoch"], deeper)
            return history
        if tag == "early_stopping":
            import keras

            settings = self.decode(node["v"], deeper)
            stopper = keras.callbacks.EarlyStopping()
            for name, value in settings.items():
                setattr(stopper, str(name), value)
            return stopper
        if tag == "figure":
            from mnist_course.grading.figures import rebuild_figure

            return rebuild_figure(self.decode(node["v"], deeper))
        if tag == "opaque":
            return Opaque(str(node.get("type", "?")), str(node.get("text", ""))[:200])
        return self.special(node, deeper)

    def special(self, node, depth):
        """Tags only one side sends (model handles, "the same object as argument 0")."""
        raise CodecError(f"an unknown kind of value ({str(node.get('$'))[:20]!r})")
