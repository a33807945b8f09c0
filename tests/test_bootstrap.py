"""bootstrap.py moves an environment made with `tensorflow` to `tensorflow-cpu` on Linux x86-64."""

from __future__ import annotations

import importlib.util

from conftest import ROOT

spec = importlib.util.spec_from_file_location("bootstrap", ROOT / "bootstrap.py")
bootstrap = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bootstrap)


def test_an_old_environments_tensorflow_makes_way_for_tensorflow_cpu_on_linux_x86_64_only():
    linux = ("linux", "x86_64")
    assert bootstrap.outdated_tensorflow({"tensorflow"}, *linux) == "tensorflow"
    assert bootstrap.outdated_tensorflow({"tensorflow-cpu"}, *linux) is None  # already moved
    assert bootstrap.outdated_tensorflow(set(), *linux) is None  # a fresh environment
    # The gpu extra's TensorFlow, with NVIDIA's libraries beside it, was chosen: it stays.
    assert bootstrap.outdated_tensorflow({"tensorflow", "nvidia-cudnn-cu12"}, *linux) is None
    for elsewhere in (("win32", "AMD64"), ("darwin", "arm64"), ("linux", "aarch64")):
        assert bootstrap.outdated_tensorflow({"tensorflow"}, *elsewhere) is None  # tensorflow is the choice there
