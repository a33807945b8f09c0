"""mnist_course.training.data: a local mnist.npz validated from its headers, Keras' download with one
clear line offline, the remembered file, and the preflight the commands and checks ask first."""

from __future__ import annotations

import io
import json
import sys
import time
import tracemalloc
import types
import zipfile
from pathlib import Path

import numpy as np
import pytest

from mnist_course.training import data
from mnist_course.course import CourseError

from companion_course import assert_refused, mnist_course

SHAPES = data.EXPECTED_SHAPES


def small_arrays() -> dict[str, np.ndarray]:
    arrays = {key: np.zeros(shape, dtype=np.uint8) for key, shape in SHAPES.items()}
    arrays["y_train"][:] = np.arange(60000) % 10
    arrays["y_test"][:] = np.arange(10000) % 10
    return arrays


@pytest.fixture(scope="module")
def good_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("mnist") / "mnist.npz"
    np.savez_compressed(path, **small_arrays())
    return path


def npy_bytes(shape, dtype="|u1", version=(1, 0), data_bytes=b"") -> bytes:
    """An .npy member: magic, a header declaring `shape`, then whatever data we choose."""
    out = io.BytesIO()
    header = {"descr": dtype, "fortran_order": False, "shape": tuple(shape)}
    if version == (1, 0):
        np.lib.format.write_array_header_1_0(out, header)
    else:
        np.lib.format.write_array_header_2_0(out, header)
    return out.getvalue() + data_bytes


def archive_with(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name + ".npy", content)
    return path


def refused(path, *words):
    with pytest.raises(data.MnistFileError) as caught:
        data.read_mnist_file(path)
    message = str(caught.value)
    assert "\n" not in message and "Fix:" in message, message
    for word in words:
        assert word in message, (word, message)
    return message


# --- the reader -------------------------------------------------------------------------------


def test_reads_a_sound_file(good_file):
    (x_train, y_train), (x_test, y_test) = data.read_mnist_file(str(good_file))
    assert x_train.shape == (60000, 28, 28) and x_train.dtype == np.uint8
    assert y_test.tolist()[:12] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]


def test_the_error_is_a_course_error_and_a_value_error():
    assert issubclass(data.MnistFileError, CourseError) and issubclass(data.MnistFileError, ValueError)


def test_missing_file_folder_random_bytes_and_npy(tmp_path):
    refused(tmp_path / "nowhere.npz", "not found", "nowhere.npz")
    refused(tmp_path, "is a folder")
    noise = tmp_path / "noise.npz"
    noise.write_bytes(np.random.default_rng(0).bytes(5000))
    refused(noise, "not a readable .npz archive", "noise.npz")
    single = tmp_path / "x.npy"
    np.save(single, np.zeros((3, 28, 28), np.uint8))
    refused(single, "single .npy array", "x.npy")
    empty = tmp_path / "empty.npz"
    empty.write_bytes(b"")
    refused(empty, "not a readable .npz archive")


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda a: a.pop("x_test"), ["has no x_test"]),
        (lambda a: a.update(x_test=a["x_test"][:, :, :27]), ["x_test", "(10000, 28, 27)"]),
        (lambda a: a.update(y_train=a["y_train"].astype(np.int64)), ["y_train", "int64"]),
        (lambda a: a["y_test"].__setitem__(7, 10), ["y_test has labels above 9", "10"]),
    ],
    ids=["missing key", "wrong shape", "wrong dtype", "label 10"],
)
def test_wrong_content(tmp_path, change, words):
    arrays = small_arrays()
    change(arrays)
    path = tmp_path / "broken.npz"
    np.savez(path, **arrays)
    refused(path, *words)


def test_a_truncated_archive(good_file, tmp_path):
    cut = tmp_path / "cut.npz"
    cut.write_bytes(good_file.read_bytes()[: good_file.stat().st_size // 2])
    refused(cut, "cut.npz")


def test_a_member_shorter_than_its_header_says(tmp_path):
    """The headers are right but the data stops early: refused when read, as damaged."""
    arrays = small_arrays()
    members = {key: npy_bytes(a.shape, data_bytes=a.tobytes()) for key, a in arrays.items()}
    members["x_train"] = npy_bytes(SHAPES["x_train"], data_bytes=b"\0" * 1000)
    refused(archive_with(tmp_path / "short.npz", members), "damaged")


def test_pickled_object_arrays_are_refused(tmp_path):
    members = {key: npy_bytes(shape) for key, shape in SHAPES.items()}
    members["x_train"] = npy_bytes(SHAPES["x_train"], dtype="|O")
    refused(archive_with(tmp_path / "pickle.npz", members), "pickled Python objects")


def test_huge_declared_shapes_are_refused_from_the_header_alone(tmp_path):
    """A few-MB file whose x_train is 3 GiB of zeros, and a header declaring 1 TB."""
    gib3 = (3 * 2**30 // 784, 28, 28)
    zeros = np.zeros(64 * 2**20, np.uint8).tobytes()  # 64 MiB of the 3 GiB, compresses to ~64 KB
    bomb = {key: npy_bytes(shape) for key, shape in SHAPES.items()}
    bomb["x_train"] = npy_bytes(gib3, data_bytes=zeros)
    terabyte = dict(bomb, x_test=npy_bytes((2**40 // 784, 28, 28), version=(2, 0)))
    for name, members in (("bomb.npz", bomb), ("terabyte.npz", terabyte)):
        path = archive_with(tmp_path / name, members)
        tracemalloc.start()
        started = time.perf_counter()
        message = refused(path, "expected uint8")
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert seconds < 1.0 and peak < 5 * 2**20, (name, seconds, peak, message)


# --- Keras' download --------------------------------------------------------------------------


@pytest.fixture
def keras_offline(monkeypatch, tmp_path):
    """keras.datasets.mnist.load_data failing as Keras fails offline; no remembered file."""

    def load_data(*args, **kwargs):
        raise Exception(
            "URL fetch failure on https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
            "mnist.npz: None -- [Errno -2] Name or service not known"
        )

    fake = types.ModuleType("keras.datasets.mnist")
    fake.load_data = load_data
    datasets = types.ModuleType("keras.datasets")
    datasets.mnist = fake
    keras = types.ModuleType("keras")
    keras.datasets = datasets
    for name, module in (("keras", keras), ("keras.datasets", datasets), ("keras.datasets.mnist", fake)):
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.delenv("MNIST_PATH", raising=False)
    monkeypatch.chdir(tmp_path)  # outside any course: nothing remembered


def test_download_offline_is_one_line_with_the_fix(keras_offline):
    with pytest.raises(data.MnistFileError) as caught:
        data.download_mnist()
    message = str(caught.value)
    assert "\n" not in message and "Name or service not known" in message
    assert "export MNIST_PATH=" in message


# --- remembering --------------------------------------------------------------------------------


def test_remember_writes_atomically_and_is_read_back(tmp_path, good_file):
    assert data.remembered(tmp_path) is None
    data.remember(good_file, tmp_path)
    stored = json.loads((tmp_path / ".course" / "mnist.json").read_text(encoding="utf-8"))
    assert stored == {"path": str(good_file.resolve())}
    assert data.remembered(tmp_path) == good_file.resolve()
    assert [p.name for p in (tmp_path / ".course").iterdir()] == ["mnist.json"]  # no temp left
    (tmp_path / ".course" / "mnist.json").write_text("{not json", encoding="utf-8")
    assert data.remembered(tmp_path) is None


def test_the_course_loader_remembers_and_a_new_terminal_uses_it(tmp_path, good_file, monkeypatch):
    monkeypatch.setenv("MNIST_PATH", str(good_file))
    data.load_mnist_data(tmp_path)
    monkeypatch.delenv("MNIST_PATH")
    assert data.chosen_file(tmp_path)[0] == good_file.resolve()
    assert data.problem(tmp_path) is None
    (x_train, _), _ = data.load_mnist_data(tmp_path)
    assert x_train.shape == (60000, 28, 28)
    monkeypatch.chdir(tmp_path)  # download_mnist finds the course around the working directory
    (tmp_path / "solutions").mkdir()
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (x_train, _), _ = data.download_mnist()  # no Keras needed: the remembered file is read
    assert x_train.shape == (60000, 28, 28)


# --- problem(): the preflight -------------------------------------------------------------------


def test_problem_names_a_bad_MNIST_PATH(tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_PATH", str(tmp_path / "gone.npz"))
    found = data.problem(tmp_path)
    assert found.startswith("MNIST cannot be loaded (MNIST_PATH)") and "gone.npz" in found


def test_problem_offline_without_cache(tmp_path, monkeypatch):
    monkeypatch.delenv("MNIST_PATH", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "empty-keras-home"))
    monkeypatch.setattr(data, "keras_host_problem", lambda timeout=3.0: "Name or service not known")
    found = data.problem(tmp_path)
    assert "Name or service not known" in found and "export MNIST_PATH=" in found
    monkeypatch.setattr(data, "keras_host_problem", lambda timeout=3.0: None)
    assert data.problem(tmp_path) is None  # online: Keras will download


def test_problem_accepts_keras_cache(tmp_path, monkeypatch, good_file):
    monkeypatch.delenv("MNIST_PATH", raising=False)
    cache = tmp_path / "keras-home" / "datasets"
    cache.mkdir(parents=True)
    (cache / "mnist.npz").write_bytes(good_file.read_bytes())
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    monkeypatch.setattr(data, "keras_host_problem", lambda timeout=3.0: "offline")
    assert data.problem(tmp_path) is None


# --- the commands and the checks say it first ---------------------------------------------------


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    from companion_course import copy_course

    return copy_course(tmp_path_factory.mktemp("data-course") / "course")


@pytest.mark.parametrize(
    "args", [("progress",), ("compare", "02"), ("watch", "02", "--runs", "1")], ids=lambda a: a[0]
)
def test_commands_say_first_that_MNIST_is_missing(course, tmp_path, args):
    run = mnist_course(course, *args, timeout=120, MNIST_PATH=str(tmp_path / "gone.npz"))
    assert_refused(run, "MNIST cannot be loaded", "gone.npz", "Fix: ")


def test_train_with_a_bad_MNIST_PATH_is_one_line(course, tmp_path):
    """Issue 12 case 3: the reader's error reaches the CLI as one line, exit 2."""
    noise = tmp_path / "noise.npz"
    noise.write_bytes(b"\x00" * 100)
    run = mnist_course(course, "train", "--solutions", "--epochs", "1", timeout=120, MNIST_PATH=str(noise))
    assert_refused(run, "noise.npz", "not a readable .npz archive")


def test_checks_say_first_that_MNIST_is_missing(course, tmp_path):
    from conftest import run_learner_checks
    import os

    os.environ["MNIST_PATH"], saved = str(tmp_path / "gone.npz"), os.environ.get("MNIST_PATH")
    try:
        run = run_learner_checks("checks/lesson_02", "--solutions", "-x", cwd=course, timeout=120)
    finally:
        if saved is None:
            os.environ.pop("MNIST_PATH")
        else:
            os.environ["MNIST_PATH"] = saved
    assert run.returncode == 1
    assert "The checks need MNIST and cannot load it. MNIST cannot be loaded (MNIST_PATH)" in run.stdout
    assert "gone.npz" in run.stdout and "Traceback" not in run.stdout


def test_a_new_terminal_finds_the_remembered_file(course):
    """Once the checks have loaded MNIST, progress works without MNIST_PATH."""
    from conftest import run_learner_checks

    run = run_learner_checks("checks/lesson_02", "--solutions", "-q", "-k", "normalize", cwd=course, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:]
    assert (course / ".course" / "mnist.json").is_file()
    assert data.problem(course) is None
    run = mnist_course(course, "watch", "02", "--runs", "1", timeout=300, MNIST_PATH=None)
    assert "MNIST" not in run.stdout + run.stderr, run.stdout + run.stderr
    assert "normalize() is not implemented yet" in run.stdout, run.stdout


def test_an_empty_check_cache_is_made_again_and_the_checks_pass(tmp_path):
    """A save cut short (a power cut) leaves the subsets' cache empty: np.load raised EOFError,
    and every check using MNIST failed on correct code, run after run."""
    from companion_course import copy_course
    from conftest import run_learner_checks

    course = copy_course(tmp_path / "course")
    cache = course / ".course" / "cache" / "mnist_small.npz"
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"")
    run = run_learner_checks("checks/lesson_03", "--solutions", "-q", "-k", "plot_samples_titles",
                             cwd=course, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:]
    with np.load(cache, allow_pickle=False) as saved:
        assert saved["x_train"].shape == (5000, 28, 28)


@pytest.mark.parametrize("kind", ["npy", "terabyte header"])
def test_doctor_reports_a_hostile_or_wrong_file_in_one_line(course, tmp_path, kind):
    """Issue 12 case 3: MNIST_PATH=x.npy (a TypeError) and a 1 TB header (MemoryError) crashed doctor."""
    if kind == "npy":
        path = tmp_path / "x.npy"
        np.save(path, np.zeros((3, 28, 28), np.uint8))
    else:
        members = {key: npy_bytes(shape) for key, shape in SHAPES.items()}
        members["x_train"] = npy_bytes((2**40 // 784, 28, 28))
        path = archive_with(tmp_path / "terabyte.npz", members)
    run = mnist_course(course, "doctor", timeout=120, MNIST_PATH=str(path))
    line = [line for line in run.stdout.splitlines() if "MNIST data" in line]
    assert run.returncode == 1 and "Traceback" not in run.stdout + run.stderr, run.stdout + run.stderr
    assert line and line[0].startswith("✘") and path.name in line[0], run.stdout
