"""`mnist-course doctor`: green on a good setup, red lines with fixes on a broken one.

The broken setups are made without breaking the machine: a `tensorflow` package placed
first on PYTHONPATH that dies with SIGILL on import (what TensorFlow does on a CPU without
AVX), a fake Keras reporting another backend, and MNIST files that are missing or not
MNIST.
"""

from __future__ import annotations

import sys
import textwrap

import pytest
from companion_course import assert_refused, copy_course, mnist_course, snapshot

from mnist_course.companion.doctor import (
    FAIL,
    OK,
    WARN,
    check_cpu,
    check_tensorflow,
    parse_cpuinfo,
    tensorflow_build,
    tensorflow_distributions,
)

NAMES = ["Python", "Packages", "CPU features", "TensorFlow", "Keras backend", "OpenCV", "MNIST data", "Model folder"]


@pytest.fixture
def course(tmp_path):
    return copy_course(tmp_path / "course")


def fake_packages(folder, tensorflow: str, keras: str | None = None):
    """Stand-ins for tensorflow (and keras) that shadow the real ones in a child interpreter."""
    (folder / "tensorflow").mkdir(parents=True)
    (folder / "tensorflow" / "__init__.py").write_text(textwrap.dedent(tensorflow))
    if keras is not None:
        (folder / "keras").mkdir()
        (folder / "keras" / "__init__.py").write_text(textwrap.dedent(keras))
    return str(folder)


def lines_for(output: str) -> dict[str, str]:
    """doctor's report: check name -> its line."""
    found = {}
    for line in output.splitlines():
        for name in NAMES:
            if line[2:].startswith(name + " "):
                found[name] = line
    return found


def test_a_good_setup_is_all_green(course):
    before = snapshot(course)
    run = mnist_course(course, "doctor")
    assert run.returncode == 0, run.stdout + run.stderr
    lines = lines_for(run.stdout)
    assert set(lines) == set(NAMES), run.stdout
    assert all(line.startswith("✔") for line in lines.values()), run.stdout
    assert f"{sys.version_info.major}.{sys.version_info.minor}" in lines["Python"]
    (name, version), = tensorflow_distributions()  # the one that installed TensorFlow, named
    assert f"{version} ({name}: " in lines["TensorFlow"]
    assert "tensorflow (Keras 3." in lines["Keras backend"]
    assert "60,000 training + 10,000 test images" in lines["MNIST data"]  # MNIST_PATH, as in CI
    assert "the course can run" in run.stdout
    assert snapshot(course) == before


def test_a_tensorflow_that_crashes_on_import_and_a_bad_mnist_file(course, tmp_path):
    crash = "import os, signal\nos.kill(os.getpid(), signal.SIGILL)\n"
    not_mnist = tmp_path / "mnist.npz"
    not_mnist.write_text("not an archive")
    before = snapshot(course)
    run = mnist_course(
        course, "doctor", PYTHONPATH=fake_packages(tmp_path / "fake", crash), MNIST_PATH=str(not_mnist)
    )
    assert run.returncode == 1, run.stdout + run.stderr
    lines = lines_for(run.stdout)
    assert lines["TensorFlow"].startswith("✘") and "SIGILL" in lines["TensorFlow"]
    assert lines["Keras backend"].startswith("✘")
    assert lines["MNIST data"].startswith("✘") and "not a readable .npz" in lines["MNIST data"]
    assert lines["OpenCV"].startswith("✔") and lines["Python"].startswith("✔")
    assert run.stdout.count("fix: ") >= 3
    assert "cannot run yet: fix TensorFlow, Keras backend, MNIST data" in run.stdout
    assert snapshot(course) == before


def test_no_local_mnist_is_a_warning_and_another_backend_an_error(course, tmp_path):
    fakes = fake_packages(
        tmp_path / "fake",
        tensorflow="__version__ = '2.99.0'\n",
        keras="""
            import os, types
            __version__ = "3.99.0"
            backend = types.SimpleNamespace(backend=lambda: os.environ["KERAS_BACKEND"])
        """,
    )
    env = dict(PYTHONPATH=fakes, MNIST_PATH=None, KERAS_HOME=str(tmp_path / "empty-keras-home"))

    run = mnist_course(course, "doctor", KERAS_BACKEND="tensorflow", **env)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = lines_for(run.stdout)
    assert lines["TensorFlow"].startswith("✔") and "2.99.0" in lines["TensorFlow"]
    assert lines["MNIST data"].startswith("!") and "downloads" in lines["MNIST data"]
    assert "set MNIST_PATH" in run.stdout

    run = mnist_course(course, "doctor", KERAS_BACKEND="jax", **env)
    assert run.returncode == 1
    assert lines_for(run.stdout)["Keras backend"].startswith("✘ Keras backend  jax")
    assert "unset KERAS_BACKEND" in run.stdout


def test_cpu_flags():
    intel = "processor : 0\nflags : fpu sse2 avx avx2 fma\nprocessor : 1\nflags : fpu\n"
    assert parse_cpuinfo(intel) == {"fpu", "sse2", "avx", "avx2", "fma"}
    assert parse_cpuinfo("processor : 0\nFeatures : fp asimd\n") is None  # ARM lists no flags
    assert check_cpu({"avx", "avx2"}, machine="x86_64").state == OK
    old = check_cpu({"sse2", "sse4_2"}, machine="x86_64")
    assert old.state == FAIL and "without AVX" in old.detail and old.fix
    assert check_cpu(None, machine="aarch64").state == OK
    assert check_cpu(None, machine="x86_64").state == WARN


def test_outside_a_course_folder(tmp_path):
    assert_refused(mnist_course(tmp_path, "doctor"), "not inside the mnist-course folder")


LINUX, WINDOWS, MAC = ("linux", "x86_64"), ("win32", "AMD64"), ("darwin", "arm64")


def test_the_tensorflow_line_says_which_distribution_and_why():
    cpu = tensorflow_build("2.21.0", [("tensorflow-cpu", "2.21.0")], *LINUX)
    assert cpu.state == OK and cpu.detail == (
        "2.21.0 (tensorflow-cpu: the CPU-only build, chosen for this platform; for a GPU see docs/setup.md#gpu)"
    )
    full = tensorflow_build("2.21.0", [("tensorflow", "2.21.0")], *LINUX)
    assert full.state == OK and "the full build" in full.detail and "tensorflow-cpu" in full.detail
    gpu = tensorflow_build("2.21.0", [("tensorflow", "2.21.0")], *LINUX, gpu_libraries=True)
    assert gpu.state == OK and "CUDA" in gpu.detail and "gpu extra" in gpu.detail
    for elsewhere in (WINDOWS, MAC, ("linux", "aarch64")):
        line = tensorflow_build("2.21.0", [("tensorflow", "2.21.0")], *elsewhere)
        assert line.state == OK and "(tensorflow: the build for this platform, chosen for it" in line.detail
    intel = tensorflow_build("2.15.1", [("tensorflow-intel", "2.15.1")], *WINDOWS)
    assert intel.state == OK and "tensorflow-intel" in intel.detail
    assert tensorflow_build("2.99.0", [], *LINUX).detail == "2.99.0"  # not from pip: the version alone


def test_two_tensorflow_distributions_at_once_are_a_warning_with_the_commands_to_keep_one():
    both = [("tensorflow", "2.21.0"), ("tensorflow-cpu", "2.21.0")]
    line = tensorflow_build("2.21.0", both, *LINUX)
    assert line.state == WARN
    assert "tensorflow 2.21.0 and tensorflow-cpu 2.21.0" in line.detail and "same tensorflow folder" in line.detail
    assert line.fix.startswith("keep tensorflow-cpu: python -m pip uninstall -y tensorflow, then ")
    assert "python -m pip install --force-reinstall --no-deps tensorflow-cpu==2.21.0" in line.fix
    # With NVIDIA's libraries installed (the gpu extra), the GPU build is the one to keep.
    gpu = tensorflow_build("2.21.0", both, *LINUX, gpu_libraries=True)
    assert gpu.fix.startswith("keep tensorflow: python -m pip uninstall -y tensorflow-cpu, then ")
    assert "--no-deps tensorflow==2.21.0" in gpu.fix


def test_a_tensorflow_whose_files_another_removed_gets_the_reinstall_command():
    # What `pip uninstall tensorflow` leaves of a tensorflow-cpu installed beside it: empty folders.
    missing = {"tensorflow_error": "AttributeError: module 'tensorflow' has no attribute '__version__'"}
    line, keras_line = check_tensorflow(missing, 0, True, [("tensorflow-cpu", "2.21.0")])
    assert line.state == FAIL and keras_line.state == FAIL
    assert line.fix.endswith("python -m pip install --force-reinstall --no-deps tensorflow-cpu==2.21.0")
    both = [("tensorflow-cpu", "2.21.0"), ("tensorflow", "2.21.0")]
    line, _ = check_tensorflow(missing, 0, True, both)
    assert "pip uninstall -y" in line.fix
    assert "pip install -e ." in check_tensorflow(missing, 0, True, [])[0].fix  # nothing installed
