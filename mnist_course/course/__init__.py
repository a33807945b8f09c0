"""Where the course is on disk, which lessons it has, and how to import a lesson module.

`LESSONS` is the course's one catalogue of lessons: the site's navigation, the README's
lesson table, the guide's lesson map and the tests' page lists are generated from it or
checked against it (`python -m mnist_course.course.dev check`).

Lesson modules are plain files (`solutions/lesson_02_prepare.py`, `lessons/...`, or any
folder with the same file names), imported by path so that several implementations of the
same lesson can be compared side by side without touching `sys.path`.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType


CORE = "core"  # the path from MNIST to reading your own handwriting
GOING_FURTHER = "going further"  # optional lessons after it


@dataclass(frozen=True)
class Lesson:
    number: str  # "02"
    module: str  # "lesson_02_prepare"
    title: str  # "Prepare the data"
    page: str  # docs page, relative to docs/
    track: str = CORE
    # Its checks and code import Keras, and with it TensorFlow (seconds to start): grading
    # runs the lessons that do not on a lighter process while TensorFlow loads for the rest.
    needs_keras: bool = True

    @property
    def filename(self) -> str:
        return f"{self.module}.py"

    @property
    def checks(self) -> str:
        return f"checks/lesson_{self.number}"

    @property
    def label(self) -> str:
        return f"Lesson {self.number} · {self.title}"


LESSONS: dict[str, Lesson] = {
    lesson.number: lesson
    for lesson in (
        Lesson("01", "lesson_01_load", "Load the data", "lessons/01-load.md", needs_keras=False),
        Lesson("02", "lesson_02_prepare", "Prepare the data", "lessons/02-prepare.md", needs_keras=False),
        Lesson("03", "lesson_03_explore", "Explore the data", "lessons/03-explore.md", needs_keras=False),
        Lesson("04", "lesson_04_model", "Build the model", "lessons/04-model.md"),
        Lesson("05", "lesson_05_train", "Train the model", "lessons/05-train.md"),
        Lesson("06", "lesson_06_evaluate", "Evaluate the model", "lessons/06-evaluate.md"),
        Lesson("07", "lesson_07_predict", "Predict your own digit", "lessons/07-predict.md"),
        Lesson("08", "lesson_08_cnn", "A convolutional network", "lessons/08-cnn.md", GOING_FURTHER),
    )
}


class CourseError(Exception):
    """A problem the learner can fix (wrong folder, unknown lesson...): shown as one line."""


def find_course_root(start: Path | None = None) -> Path:
    """Walk up from `start` (default: the working directory) to the folder holding `solutions/`."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "solutions").is_dir() and (folder / "pyproject.toml").is_file():
            return folder
    raise CourseError(
        f"{here} is not inside the mnist-course folder (no solutions/ above it): "
        "cd into the course you cloned and run the command again."
    )


def implementation_folder(root: Path, solutions: bool = False, impl: Path | str | None = None) -> Path:
    """The folder of lesson modules to use: `lessons/`, `solutions/` or `--impl DIR`."""
    if solutions and impl:
        raise CourseError("choose either --solutions or --impl DIR, not both.")
    if impl:
        folder = Path(impl).expanduser().resolve()
        if not folder.is_dir():
            what = "is a file: give the folder that holds it" if folder.is_file() else "no such folder"
            raise CourseError(f"--impl {impl}: {what} (a folder of lesson_01_load.py ... lesson_08_cnn.py).")
        return folder
    return Path(root) / ("solutions" if solutions else "lessons")


def lesson(number: str | int) -> Lesson:
    """Look a lesson up by number: 2, "2" and "02" all mean lesson 02.

    Anything else (`²`, a 5000-digit number, a word) is a CourseError, never a ValueError.
    """
    text = str(number).strip()
    key = f"{int(text):02d}" if text.isascii() and text.isdigit() and len(text) <= 3 else text
    if key not in LESSONS:
        known = ", ".join(LESSONS)
        shown = text if len(text) <= 20 else text[:20] + "..."
        shown = shown if shown.isprintable() and shown else repr(shown)
        raise CourseError(f"there is no lesson {shown}: the lessons are {known}.")
    return LESSONS[key]


def load_module(path: Path) -> ModuleType:
    """Import the Python file at `path` under a name unique to that path.

    The module is registered in `sys.modules` (pickling, dataclasses and Keras
    serialisation look modules up there), under a name that differs for
    `lessons/lesson_02_prepare.py` and `solutions/lesson_02_prepare.py` so both can be
    loaded in one process.
    """
    path = Path(path).resolve()
    if not path.is_file():
        raise CourseError(f"{path} does not exist.")
    name = "course_impl_" + "_".join(
        part.replace("-", "_").replace(".", "_") for part in path.with_suffix("").parts[-2:]
    )
    name += f"_{abs(hash(str(path))) % 10**8}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    eager_before = _executing_eagerly()
    try:
        spec.loader.exec_module(module)
        if eager_before and not _executing_eagerly():
            _turn_eager_back_on()
            raise ImportSideEffect(
                f"importing {path.name} turned TensorFlow's eager execution off "
                "(tf.compat.v1.disable_eager_execution(), a TensorFlow 1 habit), and Keras 3 "
                "works only with it on: delete that line"
            ) from None
    except BaseException:
        del sys.modules[name]
        raise
    return module


class ImportSideEffect(Exception):
    """Importing a lesson file changed the whole process in a way no Keras 3 code survives."""


def _executing_eagerly() -> bool:
    """Whether TensorFlow, if imported, runs eagerly (it does unless a file turned it off)."""
    tf = sys.modules.get("tensorflow")
    return tf is None or not hasattr(tf, "executing_eagerly") or tf.executing_eagerly()


def _turn_eager_back_on() -> None:
    """So that the other lessons checked or trained in this process still work."""
    try:
        sys.modules["tensorflow"].compat.v1.enable_eager_execution()
    except Exception:  # noqa: BLE001 - too late once graph ops exist; the lesson's error says why
        pass


def load_lesson(folder: Path, number: str | int) -> ModuleType:
    """Import lesson `number` from `folder` (e.g. the course's `lessons/` or `solutions/`)."""
    return load_module(Path(folder) / lesson(number).filename)

