"""Set up the course's virtual environment (once) and run its main job or its tests.

    python3 bootstrap.py main   # install, train the reference model, evaluate, predict the examples
    python3 bootstrap.py test   # install, then run the course's own test suite
    python3 bootstrap.py setup  # install only (what a Codespace and the classroom workflow run)

All are idempotent: the environment in .venv/ is reused while pyproject.toml is unchanged.
Works on Linux, macOS and Windows with Python 3.11+; needs only the standard library.
"""

from __future__ import annotations

import hashlib
import os
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


def ensure_environment(extras: str) -> None:
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if STAMP.is_file() and STAMP.read_text().strip() == wanted and PYTHON.exists():
        print(f"Environment up to date: {VENV}", flush=True)
        return
    if not PYTHON.exists():
        print(f"Creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", f".{extras}")
    STAMP.write_text(wanted + "\n")


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
