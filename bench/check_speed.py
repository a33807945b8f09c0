"""How long a learner waits for `pytest checks/lesson_NN`, against a bare `import keras`.

Learners rerun their lesson's checks after every edit, so each lesson's checks (on the
reference solutions, in a fresh interpreter, as a learner runs them) should take at most
2.5x the time of `python -c "import keras"` measured in the same run. Lessons 01-03 must
not import TensorFlow at all when MNIST is a local file.

    python bench/check_speed.py            # markdown table
    python bench/check_speed.py --json     # machine-readable, for bench/run.py
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from mnist_course.course import LESSONS

ROOT = Path(__file__).resolve().parents[1]

BUDGET = 2.5  # times `import keras`


def wall_time(command: list[str], repeat: int) -> float:
    """Median wall-clock seconds of `repeat` runs; fails loudly if the command fails."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        if run.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{run.stdout[-2000:]}{run.stderr[-2000:]}")
    return statistics.median(times)


def measure(repeat: int) -> dict:
    python = sys.executable
    keras_import = wall_time([python, "-c", "import keras"], repeat)
    lessons = {}
    for number, lesson in LESSONS.items():
        seconds = wall_time(
            [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--solutions", lesson.checks],
            repeat,
        )
        lessons[number] = {"title": lesson.title, "seconds": seconds, "ratio": seconds / keras_import}
    return {"import_keras_seconds": keras_import, "budget_ratio": BUDGET, "lessons": lessons}


def markdown(result: dict) -> str:
    lines = [
        f"`python -c \"import keras\"`: {result['import_keras_seconds']:.2f} s "
        f"(budget per lesson: {BUDGET}x = {BUDGET * result['import_keras_seconds']:.2f} s)",
        "",
        "| lesson | checks on solutions | x import keras | within budget |",
        "|---|---:|---:|:---:|",
    ]
    for number, row in result["lessons"].items():
        ok = "yes" if row["ratio"] <= BUDGET else "**no**"
        lines.append(
            f"| {number} {row['title']} | {row['seconds']:.2f} s | {row['ratio']:.2f} | {ok} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    args = parser.parse_args()
    result = measure(args.repeat)
    print(json.dumps(result, indent=2) if args.json else markdown(result))


if __name__ == "__main__":
    main()
