"""The modules that moved, and the import hook that keeps their old names working.

A learner's own `lessons/` files and notebooks keep the imports they were generated with
(`from mnist_course.data import read_mnist_file`) after `mnist-course update`. `MOVED` is the
one table of every module's old dotted name and its new one; `install()` (run by
`mnist_course/__init__.py`) puts a finder first on `sys.meta_path` that answers an old name
with the module of the new name itself: `import mnist_course.data`, `from mnist_course.data
import x` and `from mnist_course import data` all give the one `mnist_course.training.data`
object (no second copy, so its classes and exceptions are the same), imported only when the old
name is. The course's own files use the new names (`python -m mnist_course.course.dev check`
fails on an old one).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from importlib.machinery import ModuleSpec

MOVED = {
    # the course and its catalogue (the catalogue is the package `mnist_course.course` itself)
    "mnist_course.contract": "mnist_course.course.contract",
    "mnist_course.dev": "mnist_course.course.dev",
    "mnist_course.hints": "mnist_course.course.hints",
    "mnist_course.quoted_figures": "mnist_course.course.quoted_figures",
    "mnist_course.stubs": "mnist_course.course.stubs",
    "mnist_course.workspace": "mnist_course.course.workspace",
    # what the learner checks in checks/ run on
    "mnist_course.checking": "mnist_course.check_support.toolkit",
    "mnist_course.failure_pictures": "mnist_course.check_support.failure_pictures",
    "mnist_course.outcome": "mnist_course.check_support.outcome",
    "mnist_course.pytest_plugin": "mnist_course.check_support.pytest_plugin",
    "mnist_course.quick_exit": "mnist_course.check_support.quick_exit",
    "mnist_course.quiet": "mnist_course.check_support.quiet",
    "mnist_course.safe_text": "mnist_course.check_support.safe_text",
    # reading pictures
    "mnist_course.digit_tools": "mnist_course.pictures.digit_tools",
    "mnist_course.image_files": "mnist_course.pictures.image_files",
    "mnist_course.photos": "mnist_course.pictures.photos",
    "mnist_course.stage_figure": "mnist_course.pictures.stage_figure",
    # training
    "mnist_course.augmentation": "mnist_course.training.augmentation",
    "mnist_course.data": "mnist_course.training.data",
    "mnist_course.model_files": "mnist_course.training.model_files",
    "mnist_course.pipeline": "mnist_course.training.pipeline",
    "mnist_course.predict": "mnist_course.training.predict",
    # the notebook edition
    "mnist_course.notebook": "mnist_course.notebooks.in_notebook",
    "mnist_course.notebooks.workspace": "mnist_course.notebooks.learner_copies",
}


class _NewName:
    """Loader (the `importlib.abc.Loader` protocol) of an old name: the new name's module.

    `exec_module` puts the new module in `sys.modules` under the old name, which the import
    system then returns in place of the blank module it made (a documented step of
    `importlib`'s loading). The new module's own `__name__` and `__spec__` are left alone.
    """

    def __init__(self, new: str) -> None:
        self.new = new

    def create_module(self, spec: ModuleSpec) -> None:
        return None  # the default blank module, replaced in exec_module

    def exec_module(self, module) -> None:
        sys.modules[module.__name__] = importlib.import_module(self.new)

    def get_code(self, fullname: str):
        """The new module's code, for `python -m <old name>` (runpy asks the loader)."""
        spec = importlib.util.find_spec(self.new)
        return spec.loader.get_code(self.new)


class MovedFinder:
    """Meta path finder (the `importlib.abc.MetaPathFinder` protocol) for `MOVED`'s old names.

    The classes follow the protocols without subclassing `importlib.abc`, whose import
    (`importlib.resources`, `tempfile`, `typing`) would slow every `mnist-course` command down.
    """

    def find_spec(self, fullname: str, path=None, target=None) -> ModuleSpec | None:
        new = MOVED.get(fullname)
        return None if new is None else ModuleSpec(fullname, _NewName(new))

    def invalidate_caches(self) -> None:
        pass


def install() -> None:
    """Put the finder first on `sys.meta_path`, once (an old name never reaches a stray file)."""
    # By name, not isinstance: a re-imported `moved` (a test's clean sys.modules) has a new class.
    if not any(type(finder).__qualname__ == "MovedFinder" for finder in sys.meta_path):
        sys.meta_path.insert(0, MovedFinder())
