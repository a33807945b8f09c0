"""Set up the course's virtual environment (once) and run its main job or its tests.

    python3 bootstrap.py main   # install, train the reference model, evaluate, predict the examples
    python3 bootstrap.py test   # install, then run the course's own test suite
    python3 bootstrap.py setup  # install, warm the caches the checks use (what a Codespace and
                                # the classroom workflow run)

All are idempotent: the environment in .venv/ is reused while pyproject.toml is unchanged.
Works on Linux, macOS and Windows with Python 3.11+; needs only the standard library.
"""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed-from"


def run(*command: str | Path) -> None:
    print("+", " ".join(str(part) for part in command), flush=True)
    result = subprocess.run([str(part) for part in command], cwd=ROOT)
    if result.returncode:
        sys.exit(result.returncode)


def outdated_tensorflow(installed: set[str], system: str = sys.platform, machine: str = platform.machine()) -> str | None:
    """The TensorFlow to uninstall before installing the course again, if any.

    On Linux x86-64 the course installs `tensorflow-cpu` (pyproject.toml); an environment made
    before it did holds `tensorflow`, and the two must not share it (they write the same
    `tensorflow` folder). A `tensorflow` beside NVIDIA's libraries was chosen for a GPU: it stays.
    """
    if system == "linux" and machine == "x86_64" and installed == {"tensorflow"}:
        return "tensorflow"
    return None


def installed_tensorflows() -> set[str]:
    """Which of tensorflow, tensorflow-cpu and NVIDIA's cuDNN (the gpu extra) .venv holds."""
    code = (  # names normalised: the tensorflow-cpu wheel's metadata calls it tensorflow_cpu
        "import importlib.metadata as m, re\n"
        "names = {re.sub(r'[-_.]+', '-', d.metadata['Name'] or '').lower() for d in m.distributions()}\n"
        "print(*sorted(names & {'tensorflow', 'tensorflow-cpu', 'nvidia-cudnn-cu12'}))"
    )
    return set(subprocess.run([str(PYTHON), "-c", code], capture_output=True, text=True).stdout.split())


def ensure_environment(extras: str) -> None:
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if STAMP.is_file() and STAMP.read_text().strip() == wanted and PYTHON.exists():
        print(f"Environment up to date: {VENV}", flush=True)
        return
    if not PYTHON.exists():
        print(f"Creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    elif sys.platform == "linux" and platform.machine() == "x86_64":
        outdated = outdated_tensorflow(installed_tensorflows())
        if outdated:
            print("Replacing tensorflow with tensorflow-cpu, its CPU-only build (see pyproject.toml)", flush=True)
            run(PYTHON, "-m", "pip", "uninstall", "--quiet", "--yes", outdated)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", f".{extras}")
    STAMP.write_text(wanted + "\n")


# What a fresh course's first `mnist-course progress` would otherwise wait for, done once at
# setup: Matplotlib builds its font list the first time it is imported (it keeps it in the
# user's cache folder, a few seconds on a machine with many fonts), and the first import of
# TensorFlow reads some 400 MB of libraries from disk (the system then keeps them in memory).
WARM_UP = "import matplotlib.pyplot, keras"


def warm_caches(python: str | Path) -> bool:
    """Import what the checks import, once, so their caches are ready; False if it failed
    (the course still works: its first run pays instead, and `mnist-course doctor` says why)."""
    print("Warming up Matplotlib's font cache and TensorFlow (once, so your first check need not)",
          flush=True)
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run([str(python), "-c", WARM_UP], cwd=ROOT, env=environment,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        print(f"  (skipped: {last}; `mnist-course doctor` checks the installation)", flush=True)
    return result.returncode == 0


def main_job(python: str | Path, root: Path = ROOT) -> list[list[str]]:
    """The main job's commands, run from `root` with `python` (bench/run.py times them too)."""
    cli = [str(python), "-m", "mnist_course.cli"]
    examples = sorted(str(path) for path in (root / "examples").glob("*.png"))
    return [
        [*cli, "train", "--solutions"],
        [*cli, "evaluate", "--solutions"],
        *([[*cli, "predict", "--solutions", *examples]] if examples else []),
    ]


def main(argv: list[str]) -> None:
    if sys.version_info < (3, 11):  # Keras 3.14, past its model-loading advisories, needs it
        sys.exit(f"mnist-course needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    job = argv[0] if argv else ""
    if job == "main":
        ensure_environment("")
        for command in main_job(PYTHON):
            run(*command)
    elif job == "setup":
        ensure_environment("")
        warm_caches(PYTHON)
        activate = r".venv\Scripts\activate" if os.name == "nt" else "source .venv/bin/activate"
        print(f"Ready: `{activate}`, then `pytest checks/lesson_01`.", flush=True)
    elif job == "test":
        ensure_environment("[dev]")
        # One worker per core, a test file per worker at a time (files share costly fixtures),
        # the longest files first (tests/conftest.py orders them).
        run(PYTHON, "-m", "pytest", "tests", "-n", "auto", "--dist", "loadfile", *argv[1:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
