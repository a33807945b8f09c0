"""`mnist-course doctor`: can this machine run the course? One line per thing it needs.

Each check gives a green line, a yellow one (works, but worth knowing: MNIST will be
downloaded on first use) or a red one with the fix. Nothing needs the internet, and
nothing in the course folder is changed.

TensorFlow is imported in a child process: on a CPU without the AVX instructions its
wheels are built for, `import tensorflow` kills the process with SIGILL, and the doctor
must live to say so. Which distribution installed it is read from the package metadata:
`tensorflow-cpu` on Linux x86-64, `tensorflow` elsewhere (pyproject.toml), and never two
at once, since they write the same `tensorflow` folder.

Exit code: 0 when the course can run (green and yellow lines only), 1 when a red line
says what to fix first.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from mnist_course.companion import terminal
from mnist_course.course import CourseError
from mnist_course.course.workspace import Workspace, relative

MIN_PYTHON = (3, 11)  # as pyproject.toml's requires-python (Keras 3.14 needs it)
MIN_KERAS = (3, 14)  # as pyproject.toml: earlier releases load hostile model files unsafely
COURSE_PACKAGES = ("numpy", "pandas", "scikit-learn", "matplotlib", "seaborn", "pytest")
TENSORFLOW_TIMEOUT = 300  # seconds; a first import on a slow disk can take a minute
INSTALL_FIX = "from the course folder: python -m pip install -e ."
# The distributions that may install the `tensorflow` import package (PyPI's, and Intel's).
TENSORFLOW_DISTRIBUTIONS = (
    "tensorflow", "tensorflow-cpu", "tensorflow-intel", "tensorflow-macos", "tensorflow-gpu",
    "tf-nightly", "tf-nightly-cpu", "intel-tensorflow",
)  # fmt: skip
GPU_LIBRARIES = "nvidia-cudnn-cu12"  # one of the CUDA libraries `tensorflow[and-cuda]` brings
GPU_GUIDE = "docs/setup.md#gpu"

OK, WARN, FAIL = "ok", "warn", "fail"
MARK = {OK: "[green]✔[/green]", WARN: "[yellow]![/yellow]", FAIL: "[red]✘[/red]"}


@dataclass
class Finding:
    name: str
    state: str  # OK, WARN or FAIL
    detail: str
    fix: str = ""


# --- Python and packages ----------------------------------------------------------------


def check_python() -> Finding:
    version = platform.python_version()
    if sys.version_info[:2] >= MIN_PYTHON:
        return Finding("Python", OK, f"{version} ({sys.executable})")
    wanted = ".".join(map(str, MIN_PYTHON))
    return Finding("Python", FAIL, f"{version} is too old", f"use Python {wanted} or newer")


def check_packages() -> Finding:
    found, missing = [], []
    for name in COURSE_PACKAGES:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            missing.append(name)
    if missing:
        return Finding("Packages", FAIL, f"missing {', '.join(missing)}", INSTALL_FIX)
    return Finding("Packages", OK, ", ".join(found))


# --- TensorFlow and Keras, in a child process ------------------------------------------------

PROBE = r"""
import json, sys
try:
    import tensorflow as tf
except BaseException as error:
    print(json.dumps({"tensorflow_error": f"{type(error).__name__}: {error}"}))
    sys.exit(0)
print(json.dumps({"tensorflow": tf.__version__}), flush=True)
try:
    import keras
    print(json.dumps({"keras": keras.__version__, "backend": keras.backend.backend()}))
except BaseException as error:
    print(json.dumps({"keras_error": f"{type(error).__name__}: {error}"}))
"""


def probe_tensorflow() -> tuple[dict, int]:
    """What importing TensorFlow and Keras in a fresh interpreter reports, and its exit code."""
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        child = subprocess.run(
            [sys.executable, "-c", PROBE],
            capture_output=True,
            text=True,
            env=env,
            timeout=TENSORFLOW_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return {"timeout": True}, 0
    facts: dict = {}
    for line in child.stdout.splitlines():
        try:
            facts.update(json.loads(line))
        except ValueError:
            continue  # the learner's site may print; only our JSON lines count
    if child.returncode and not facts.get("tensorflow_error"):
        facts["stderr"] = child.stderr.strip().splitlines()[-1:] or [""]
    return facts, child.returncode


def crash_name(returncode: int) -> str:
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


def tensorflow_distributions() -> list[tuple[str, str]]:
    """(name, version) of every installed distribution that provides the `tensorflow` package.

    Read from each one's metadata, not imported: `tensorflow-intel` (Windows, up to 2.15) was
    installed by a `tensorflow` that held no files, which is one distribution, not two.
    """
    found = []
    for name in TENSORFLOW_DISTRIBUTIONS:
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        top_level = dist.read_text("top_level.txt")
        if top_level is not None:
            provides = "tensorflow" in top_level.split()
        else:
            provides = any(file.parts[:1] == ("tensorflow",) for file in dist.files or ())
        if provides:  # named as looked up: a wheel's metadata may say tensorflow_cpu
            found.append((name, dist.version))
    return found


def has_gpu_libraries() -> bool:
    """Are NVIDIA's CUDA libraries from PyPI here (`pip install -e .[gpu]`)?"""
    try:
        importlib.metadata.distribution(GPU_LIBRARIES)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def course_choice(system: str, machine: str) -> str:
    """The TensorFlow distribution pyproject.toml installs on this platform."""
    return "tensorflow-cpu" if system == "linux" and machine.lower() == "x86_64" else "tensorflow"


def tensorflow_build(
    version: str, distributions: list[tuple[str, str]], system: str, machine: str, gpu_libraries: bool = False
) -> Finding:
    """The TensorFlow line: its version, which distribution installed it and why, or two at once.

    `distributions` is `tensorflow_distributions()`; `system` is `sys.platform`, `machine`
    `platform.machine()`; `gpu_libraries` says whether NVIDIA's CUDA libraries are installed.
    """
    chosen = course_choice(system, machine)
    names = [name.lower() for name, _ in distributions]
    if len(distributions) > 1:
        keep = "tensorflow" if gpu_libraries and "tensorflow" in names else chosen
        keep = keep if keep in names else names[0]
        others = [name for name in names if name != keep]
        kept_version = dict(zip(names, (v for _, v in distributions)))[keep]
        both = " and ".join(f"{name} {v}" for name, v in distributions)
        return Finding(
            "TensorFlow", WARN,
            f"{version}, installed twice: {both} write the same tensorflow folder, so removing or "
            "upgrading one breaks the other",
            f"keep {keep}: python -m pip uninstall -y {' '.join(others)}, then "
            f"python -m pip install --force-reinstall --no-deps {keep}=={kept_version} ({GPU_GUIDE})",
        )  # fmt: skip
    if not distributions:  # not installed by pip (a conda package, a folder on PYTHONPATH)
        return Finding("TensorFlow", OK, version)
    name = names[0]
    if name == "tensorflow-cpu":
        why = "the CPU-only build, chosen for this platform" if name == chosen else "the CPU-only build"
        why += f"; for a GPU see {GPU_GUIDE}"
    elif name == "tensorflow" and gpu_libraries:
        why = f"the full build, with NVIDIA's CUDA libraries: the gpu extra, {GPU_GUIDE}"
    elif name == "tensorflow" and chosen == "tensorflow-cpu":
        why = (f"the full build, with GPU support; the course installs the lighter tensorflow-cpu "
               f"here, see {GPU_GUIDE}")  # fmt: skip
    elif name == "tensorflow":
        why = "the build for this platform, chosen for it (PyPI has no tensorflow-cpu here)"
    else:
        why = f"not the course's choice ({chosen}), which is fine while it imports"
    return Finding("TensorFlow", OK, f"{version} ({distributions[0][0]}: {why})")


def check_tensorflow(
    facts: dict, returncode: int, cpu_has_avx: bool | None = None,
    distributions: list[tuple[str, str]] | None = None, gpu_libraries: bool = False,
) -> list[Finding]:
    """The TensorFlow and Keras lines, from `probe_tensorflow()` and `tensorflow_distributions()`."""
    if facts.get("timeout"):
        return [
            Finding(
                "TensorFlow", FAIL, f"import did not finish in {TENSORFLOW_TIMEOUT} s",
                "close other heavy programs and try again; reinstall with " + INSTALL_FIX,
            )
        ]
    if returncode < 0 and "tensorflow" not in facts:
        name = crash_name(returncode)
        if name != "SIGILL":
            why = "the interpreter died while importing it"
        elif cpu_has_avx:
            why = "illegal instruction: this TensorFlow build uses CPU instructions beyond AVX that this CPU lacks"
        else:
            why = "illegal instruction: this CPU lacks the AVX instructions TensorFlow's wheels need"
        fix = (
            "install a TensorFlow built for this CPU (an older release, or conda-forge's build)"
            if cpu_has_avx
            else "run the course on a machine whose CPU has AVX (most made since 2011), or "
            "install a TensorFlow built for this CPU"
        )
        return [
            Finding("TensorFlow", FAIL, f"`import tensorflow` crashed ({name}): {why}", fix),
            Finding("Keras backend", FAIL, "not checked: TensorFlow does not import", "fix TensorFlow first"),
        ]
    if "tensorflow" not in facts:
        error = facts.get("tensorflow_error") or " ".join(facts.get("stderr", [])) or f"exit code {returncode}"
        fix = INSTALL_FIX
        if distributions and len(distributions) > 1:  # one may have removed the other's files
            fix = tensorflow_build("?", distributions, sys.platform, platform.machine(), gpu_libraries).fix
        elif distributions:  # pip has it, so `pip install -e .` would not touch its broken files
            name, version = distributions[0]
            fix = ("put its files back (removing another TensorFlow takes them): "
                   f"python -m pip install --force-reinstall --no-deps {name}=={version}")  # fmt: skip
        return [
            Finding("TensorFlow", FAIL, f"cannot import: {error}", fix),
            Finding("Keras backend", FAIL, "not checked: TensorFlow does not import", "fix TensorFlow first"),
        ]
    found = [tensorflow_build(facts["tensorflow"], distributions or [], sys.platform, platform.machine(),
                              gpu_libraries)]  # fmt: skip
    if "keras" not in facts:
        error = facts.get("keras_error") or f"exit code {returncode}"
        fix = (
            "unset KERAS_BACKEND (the course uses the TensorFlow backend)"
            if os.environ.get("KERAS_BACKEND", "tensorflow") != "tensorflow"
            else INSTALL_FIX
        )
        return found + [Finding("Keras backend", FAIL, f"cannot import keras: {error}", fix)]
    keras_version, backend = facts["keras"], facts["backend"]
    if not keras_version.startswith("3."):
        found.append(Finding("Keras backend", FAIL, f"Keras {keras_version}: the course needs Keras 3", INSTALL_FIX))
    elif version_tuple(keras_version) < MIN_KERAS:
        wanted = ".".join(map(str, MIN_KERAS))
        found.append(Finding(
            "Keras backend", FAIL,
            f"Keras {keras_version} can run code hidden in a model file, even in safe mode",
            f"python -m pip install 'keras>={wanted}'",
        ))
    elif backend != "tensorflow":
        found.append(
            Finding(
                "Keras backend", FAIL, f"{backend} (Keras {keras_version})",
                "unset KERAS_BACKEND, or set it to tensorflow: the course is written for it",
            )
        )
    else:
        found.append(Finding("Keras backend", OK, f"tensorflow (Keras {keras_version})"))
    return found


# --- CPU --------------------------------------------------------------------------------------


def cpu_flags() -> set[str] | None:
    """The CPU's feature flags, lower case, or None where this platform does not say."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        return parse_cpuinfo(cpuinfo.read_text(errors="replace"))
    if sys.platform == "darwin":
        words = []
        for key in ("machdep.cpu.features", "machdep.cpu.leaf7_features"):
            result = subprocess.run(["sysctl", "-n", key], capture_output=True, text=True)
            words += result.stdout.lower().replace("1.0", "").split()
        return set(words) or None
    try:
        import cpuinfo as py_cpuinfo  # py-cpuinfo, if the learner has it (Windows)
    except ImportError:
        return None
    return {flag.lower() for flag in py_cpuinfo.get_cpu_info().get("flags", [])} or None


def parse_cpuinfo(text: str) -> set[str] | None:
    """The "flags" of the first CPU in /proc/cpuinfo text (x86); None if it lists none (ARM)."""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            return set(value.lower().split())
    return None


def version_tuple(version: str) -> tuple[int, ...]:
    """(3, 15, 1) from "3.15.1" (and (3, 14) from "3.14.0rc1"): enough to compare releases."""
    parts = []
    for part in version.split(".")[:3]:
        digits = "".join(c for c in part if c.isdigit()) if part[:1].isdigit() else ""
        if not digits:
            break
        parts.append(int(digits[:6]))
    return tuple(parts)


def check_cpu(flags: set[str] | None, machine: str | None = None) -> Finding:
    """Judge the CPU from its flags (`cpu_flags()`; None when unknown)."""
    machine = (machine or platform.machine()).lower()
    if machine in {"arm64", "aarch64"}:
        return Finding("CPU features", OK, f"{machine}: AVX is an x86 feature, not needed here")
    if flags is None:
        return Finding(
            "CPU features", WARN, f"{machine}: cannot read the CPU flags on this system",
            "if TensorFlow crashes on import, check that the CPU supports AVX",
        )
    listed = [name.upper() for name in ("avx", "avx2", "fma") if name in flags]
    if "avx" not in flags:
        return Finding(
            "CPU features", FAIL, f"{machine} without AVX: TensorFlow's wheels will not run",
            "use a machine whose CPU has AVX (most made since 2011)",
        )
    return Finding("CPU features", OK, f"{', '.join(listed)} ({machine})")


# --- OpenCV -----------------------------------------------------------------------------------


def check_opencv() -> Finding:
    try:
        import cv2
    except Exception as error:  # noqa: BLE001 - a broken wheel raises more than ImportError
        return Finding(
            "OpenCV", FAIL, f"cannot import cv2: {error}",
            "python -m pip install opencv-python-headless",
        )
    return Finding("OpenCV", OK, cv2.__version__)


# --- MNIST ------------------------------------------------------------------------------------


def check_mnist(workspace: Workspace) -> Finding:
    """Is MNIST where the course will look (MNIST_PATH, the remembered file, Keras' cache)?"""
    from mnist_course.training import data

    def validate(path: Path) -> tuple[bool, str]:
        """(True, its size) for a sound file; (False, what is wrong with it) otherwise."""
        try:
            (x_train, _), (x_test, _) = data.read_mnist_file(path)
        except MemoryError:
            return False, f"{path} declares arrays too large to load"
        except Exception as error:  # noqa: BLE001 - MnistFileError names the path; anything else too
            text = " ".join(str(error).split()) or type(error).__name__
            if not isinstance(error, (ValueError, CourseError)):
                text = f"{path}: {type(error).__name__}: {text}"
            return False, text.split(". ")[0][:300]
        return True, f"{len(x_train):,} training + {len(x_test):,} test images"

    if "MNIST_PATH" in os.environ and not os.environ["MNIST_PATH"].strip():
        # The course's tools pass it by, but lesson 01's load_mnist reads it as a path.
        return Finding("MNIST data", FAIL, "MNIST_PATH is set but empty",
                       "export MNIST_PATH=/path/to/mnist.npz, or `unset MNIST_PATH` to use Keras' copy")
    chosen, source = data.chosen_file(workspace.root)
    if chosen is not None:
        sound, detail = validate(chosen)
        if sound:
            shown = f"MNIST_PATH={chosen}" if source == "MNIST_PATH" else f"{chosen} ({source})"
            return Finding("MNIST data", OK, f"{shown} ({detail})")
        return Finding(
            "MNIST data", FAIL,
            f"MNIST_PATH is set but unusable: {detail}" if source == "MNIST_PATH"
            else f"the file {source} is unusable: {detail}",
            "point MNIST_PATH at a copy of Keras' mnist.npz, or unset it to use Keras' cache",
        )
    for cached in data.keras_cache_candidates():
        if cached.is_file():
            sound, detail = validate(cached)
            if sound:
                return Finding("MNIST data", OK, f"Keras cache {cached} ({detail})")
            return Finding(
                "MNIST data", FAIL, f"the Keras cache is damaged: {detail}",
                f"delete {cached} so Keras downloads it again, or set MNIST_PATH",
            )
    return Finding(
        "MNIST data", WARN,
        "not on this machine yet: the first run downloads 11 MB from storage.googleapis.com",
        "stay online for the first run, or set MNIST_PATH to a local mnist.npz",
    )


# --- Model folder -----------------------------------------------------------------------------


def check_model_folder(workspace: Workspace) -> Finding:
    folder = workspace.models
    shown = relative(folder, workspace.root)
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        return Finding("Model folder", FAIL, f"{relative(existing, workspace.root)} is a file, not a folder",
                       f"move it away so `mnist-course train` can create {shown}")
    try:
        # A real write: os.access says yes to root even on a read-only mount.
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as error:
        return Finding("Model folder", FAIL, f"cannot write in {relative(existing, workspace.root)}: {error.strerror}",
                       "make the course folder writable (or clone the course somewhere you own)")
    state = "is writable" if folder.is_dir() else "can be created"
    return Finding("Model folder", OK, f"{shown} {state}")


# --- The notebook edition ------------------------------------------------------------------


def check_notebooks(workspace: Workspace) -> Finding | None:
    """The `notebook` extra, once the learner uses notebooks; None for a learner who works in files."""
    from mnist_course.notebooks.learner_copies import (
        NOTEBOOK_EXTRA,
        NOTEBOOK_FIX,
        missing_notebook_packages,
        uses_notebooks,
    )

    if not uses_notebooks(workspace):
        return None
    missing = missing_notebook_packages()
    if missing:
        return Finding("Notebooks", FAIL, f"you use notebooks, but {', '.join(missing)} is not installed", NOTEBOOK_FIX)
    versions = []
    for name in NOTEBOOK_EXTRA:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:  # importable, but not from a distribution
            versions.append(name)
    return Finding("Notebooks", OK, ", ".join(versions))


# --- The report -------------------------------------------------------------------------------


def examine(workspace: Workspace, console: Console) -> list[Finding]:
    flags = cpu_flags()
    findings = [check_python(), check_packages(), check_cpu(flags)]
    with console.status("Importing TensorFlow in a separate process..."):
        facts, returncode = probe_tensorflow()
    findings += check_tensorflow(facts, returncode, None if flags is None else "avx" in flags,
                                 tensorflow_distributions(), has_gpu_libraries())  # fmt: skip
    findings += [check_opencv(), check_mnist(workspace), check_model_folder(workspace)]
    notebooks = check_notebooks(workspace)
    return findings + ([notebooks] if notebooks else [])


def report(findings: list[Finding], console: Console) -> int:
    width = max(len(finding.name) for finding in findings)
    for finding in findings:
        console.print(f"{MARK[finding.state]} {finding.name:<{width}}  ", end="")
        style = {OK: "green", WARN: "yellow", FAIL: "red"}[finding.state]
        console.print(finding.detail, style=style, markup=False, highlight=False)
        if finding.fix:
            console.print(f"  {'':<{width}}  fix: {finding.fix}", markup=False, highlight=False)
    failed = [finding.name for finding in findings if finding.state == FAIL]
    if failed:
        console.print(f"[red]The course cannot run yet:[/red] fix {', '.join(failed)} (see above).")
        return 1
    console.print("[green]All set: the course can run on this machine.[/green]")
    return 0


def doctor() -> int:
    workspace = Workspace.here()
    console = terminal.console(soft_wrap=True)
    console.print(f"mnist-course doctor · {workspace.root}", markup=False)
    return report(examine(workspace, console), console)
