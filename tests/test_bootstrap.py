"""bootstrap.py: its setup warms the caches a fresh course's first check would otherwise pay
for, and moves an environment made with `tensorflow` to `tensorflow-cpu` on Linux x86-64."""

from __future__ import annotations

import importlib.util
import sys

from conftest import ROOT


def load_bootstrap():
    spec = importlib.util.spec_from_file_location("course_bootstrap", ROOT / "bootstrap.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_setup_warms_matplotlibs_font_cache_and_tensorflow(tmp_path, monkeypatch, capsys):
    bootstrap = load_bootstrap()
    installed, warmed = [], []
    monkeypatch.setattr(bootstrap, "ensure_environment", installed.append)
    monkeypatch.setattr(bootstrap, "PYTHON", sys.executable)
    real = bootstrap.warm_caches
    monkeypatch.setattr(bootstrap, "warm_caches", lambda python: warmed.append(real(python)))
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path))  # a fresh user: no font cache yet
    bootstrap.main(["setup"])
    assert installed == [""] and warmed == [True], capsys.readouterr()
    assert list(tmp_path.glob("fontlist-*.json")), "the setup did not build Matplotlib's font cache"
    assert "keras" in bootstrap.WARM_UP  # TensorFlow's libraries read once, before the first check


def test_a_failed_warm_up_does_not_fail_the_setup(monkeypatch, capsys):
    bootstrap = load_bootstrap()
    monkeypatch.setattr(bootstrap, "WARM_UP", "raise SystemExit('no TensorFlow here')")
    assert bootstrap.warm_caches(sys.executable) is False
    assert "skipped: no TensorFlow here" in capsys.readouterr().out


def test_an_old_environments_tensorflow_makes_way_for_tensorflow_cpu_on_linux_x86_64_only():
    bootstrap = load_bootstrap()
    linux = ("linux", "x86_64")
    assert bootstrap.outdated_tensorflow({"tensorflow"}, *linux) == "tensorflow"
    assert bootstrap.outdated_tensorflow({"tensorflow-cpu"}, *linux) is None  # already moved
    assert bootstrap.outdated_tensorflow(set(), *linux) is None  # a fresh environment
    # The gpu extra's TensorFlow, with NVIDIA's libraries beside it, was chosen: it stays.
    assert bootstrap.outdated_tensorflow({"tensorflow", "nvidia-cudnn-cu12"}, *linux) is None
    for elsewhere in (("win32", "AMD64"), ("darwin", "arm64"), ("linux", "aarch64")):
        assert bootstrap.outdated_tensorflow({"tensorflow"}, *elsewhere) is None  # tensorflow is the choice there
