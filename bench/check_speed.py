"""How long a learner waits for the checks, against a bare `import keras` in the same run.

Learners rerun their lesson's checks after every edit, so the checks should cost little
beyond the import every Keras program pays. Measured side by side, in fresh interpreters,
on the reference solutions, as a learner runs them:

- each lesson's `pytest checks/lesson_NN` (targets: the slowest <= 1.5x `import keras`;
  lessons 01-03, which never import TensorFlow, <= 0.5x each);
- `mnist-course progress` over all 8 lessons (target <= 2.5x); it runs one child per core,
  so the number of cores is printed beside it;
- `mnist-course report --json --lessons lessons`, grading a whole submission with every
  lesson's code in a worker process of its own (target <= 3x);
- a rerun of each Keras lesson's checks as `mnist-course watch` and a notebook's `check()`
  make it, forked from the session's warm zygote (companion/warm.py): what the warmth buys,
  so its target is against the same lesson's fresh run in the same bench (<= 0.6x of it).

Everything runs in a scratch copy of the course whose lessons/ are the solutions (so every
check has something to pass), after one untimed run of the checks that fill .course/cache/
(a learner reruns the checks; only a clone's first run fills the cache).

Ratios matter more than seconds: a busy machine slows everything alike, so the load
average is printed beside them. With `--against REV` each lesson's checks are also timed
as they were at git revision REV (its own checks, plugin and solutions, in a copy made
with `git archive`), run by run in turn with today's, so "no slower than before" is a
comparison within one run rather than with figures taken on another day.

    python bench/check_speed.py                     # markdown table
    python bench/check_speed.py --against bf9279b   # ... beside the checks at bf9279b
    python bench/check_speed.py --json              # machine-readable, for bench/run.py
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mnist_course.companion.runner import cores
from mnist_course.course import LESSONS

ROOT = Path(__file__).resolve().parents[1]

# Times `import keras`; "rerun": times the lesson's fresh run.
TARGETS = {"slowest": 1.5, "first_three": 0.5, "progress": 2.5, "grade": 3.0, "rerun": 0.6}
FIRST_THREE = ("01", "02", "03")
# What `mnist-course progress` needs from a course: its package, checks, hints and solutions.
COURSE_PARTS = ("mnist_course", "checks", "solutions", "hints.toml", "pyproject.toml")


def wall_time(command: list[str], repeat: int, cwd: Path = ROOT, env: dict | None = None) -> float:
    """Median wall-clock seconds of `repeat` runs; fails loudly if the command fails."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        if run.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{run.stdout[-2000:]}{run.stderr[-2000:]}")
    return statistics.median(times)


def interleaved(commands: dict[str, tuple[list[str], Path, dict]], repeat: int) -> dict[str, float]:
    """Median wall-clock seconds of each named (command, folder, env), the commands taking
    turns run by run, so a change in the machine's load touches them alike."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, (command, cwd, env) in commands.items():
            times[name].append(wall_time(command, 1, cwd, env))
    return {name: statistics.median(values) for name, values in times.items()}


def revision_tree(revision: str, scratch: Path) -> Path:
    """The course's files at git `revision`, unpacked into `scratch` (`git archive`)."""
    tree = scratch / "revision"
    tree.mkdir()
    archive = subprocess.run(["git", "archive", "--format=tar", revision], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree


def solved_copy(scratch: Path, root: Path = ROOT, name: str = "course") -> Path:
    """A copy of the course at `root` in `scratch` whose lessons/ are the reference solutions."""
    course = scratch / name
    for part in COURSE_PARTS:
        source = root / part
        if source.is_dir():
            shutil.copytree(source, course / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            course.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, course / part)
    shutil.copytree(course / "solutions", course / "lessons")
    return course


def warm_up(course: Path, env: dict) -> float:
    """Run once, untimed in the table, the checks that fill .course/cache/ (the seeded MNIST
    subsets, lesson 07's reference model): a learner reruns checks, and only the first run
    of a clone pays for them. Returns that first run's seconds."""
    checks = [LESSONS[number].checks for number in ("03", "07")]
    return wall_time([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--solutions", *checks],
                     1, course, env)  # fmt: skip


# In the course's copy: a session's WarmChecks, one untimed run per lesson (the first run
# waits for the zygote's imports), then the median of `repeat` timed reruns, as JSON.
RERUNS = """
import json, statistics, sys, time
from mnist_course.companion.runner import run_checks
from mnist_course.companion.warm import WarmChecks
from mnist_course.course import LESSONS
from mnist_course.course.workspace import Workspace
workspace, repeat, seconds = Workspace.here(), int(sys.argv[1]), {}
with WarmChecks(workspace.root, start_now=True) as warm:
    for number in sys.argv[2:]:
        times = []
        for attempt in range(repeat + 1):
            started = time.perf_counter()
            run = run_checks(workspace, [LESSONS[number]], warm=warm)
            times.append(time.perf_counter() - started)
            assert run.lessons[number].all_pass, number
        seconds[number] = statistics.median(times[1:])
print(json.dumps(seconds))
"""


def warm_reruns(course: Path, env: dict, repeat: int) -> dict[str, float]:
    """Seconds of a rerun of each Keras lesson's checks in a warm session (`RERUNS`)."""
    numbers = [number for number, unit in LESSONS.items() if unit.needs_keras]
    run = subprocess.run([sys.executable, "-c", RERUNS, str(repeat), *numbers], cwd=course, env=env,
                         capture_output=True, text=True)  # fmt: skip
    if run.returncode != 0:
        raise SystemExit(f"the warm reruns failed:\n{run.stdout[-2000:]}{run.stderr[-2000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def measure(repeat: int, progress: bool = True, against: str | None = None, lessons_too: bool = True) -> dict:
    python = sys.executable
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="check-speed-") as scratch:
        # Passable: graded as root, report runs the learner's code as a user of its own (and refuses
        # to grade where that user cannot reach the course's package).
        Path(scratch).chmod(0o755)
        course = solved_copy(Path(scratch))
        env = dict(os.environ, PYTHONPATH=str(course))  # the copy's own mnist_course
        first_run = warm_up(course, env)
        courses = {"now": (course, env)}
        if against:
            before = solved_copy(Path(scratch), revision_tree(against, Path(scratch)), "before")
            before_env = dict(os.environ, PYTHONPATH=str(before))
            warm_up(before, before_env)
            courses["before"] = (before, before_env)
        keras_import = wall_time([python, "-c", "import keras"], repeat, course, env)
        lessons = {}
        for number, lesson in LESSONS.items() if lessons_too else ():
            seconds = interleaved({
                name: ([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--solutions", lesson.checks],
                       folder, folder_env)
                for name, (folder, folder_env) in courses.items()
            }, repeat)  # fmt: skip
            lessons[number] = {"title": lesson.title, "seconds": seconds["now"],
                               "ratio": seconds["now"] / keras_import}
            if against:
                lessons[number]["before"] = {"revision": against, "seconds": seconds["before"],
                                             "ratio": seconds["before"] / keras_import}
        reruns = warm_reruns(course, env, repeat) if lessons_too else {}
        for number, rerun in reruns.items():
            lessons[number]["rerun"] = {"seconds": rerun, "ratio": rerun / keras_import,
                                        "of_fresh": rerun / lessons[number]["seconds"]}
        if progress:  # in turn with `import keras` again, so that the three see the same machine
            timed = interleaved({
                "keras": ([python, "-c", "import keras"], course, env),
                "progress": ([python, "-m", "mnist_course.cli", "progress", "--json"], course, env),
                "grading": ([python, "-m", "mnist_course.cli", "report", "--json", "--lessons", "lessons"], course, env),
            }, repeat)  # fmt: skip
            seconds, grading = timed["progress"], timed["grading"]
            if not lessons_too:
                keras_import = timed["keras"]
    load = {"before": load_before, "after": os.getloadavg()}
    if not lessons:  # --commands-only
        return {"import_keras_seconds": keras_import, "targets": TARGETS, "lessons": {}, "against": None,
                "progress": {"seconds": seconds, "ratio": seconds / keras_import, "cores": cores()},
                "grade": {"seconds": grading, "ratio": grading / keras_import, "cores": cores()},
                "first_run_lessons_03_07_seconds": first_run, "load_average": load}
    slowest = max(lessons, key=lambda number: lessons[number]["ratio"])
    return {
        "import_keras_seconds": keras_import,
        "targets": TARGETS,
        "lessons": lessons,
        "first_three_ratio": max(lessons[number]["ratio"] for number in FIRST_THREE if number in lessons),
        "slowest": {"lesson": slowest, "ratio": lessons[slowest]["ratio"]},
        "slowest_rerun": max(
            (row["rerun"]["of_fresh"] for row in lessons.values() if "rerun" in row), default=None
        ),
        "against": against,
        "progress": {"seconds": seconds, "ratio": seconds / keras_import, "cores": cores()} if progress else None,
        "grade": {"seconds": grading, "ratio": grading / keras_import, "cores": cores()} if progress else None,
        "first_run_lessons_03_07_seconds": first_run,
        "load_average": load,
    }


def recorded_ratios() -> dict[str, float]:
    """Each lesson's ratio in the last full bench run (bench/results/latest.json), to compare."""
    try:
        recorded = json.loads((ROOT / "bench" / "results" / "latest.json").read_text())
        return {number: row["ratio"] for number, row in recorded["checks"]["lessons"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def verdict(ratio: float, target: float) -> str:
    return "yes" if ratio <= target else "**no**"


def markdown(result: dict) -> str:
    keras_seconds = result["import_keras_seconds"]
    targets = result["targets"]
    load = result["load_average"]
    lines = [
        f"`python -c \"import keras\"`: {keras_seconds:.2f} s; load average "
        f"{' / '.join(f'{x:.2f}' for x in load['before'])} before, "
        f"{' / '.join(f'{x:.2f}' for x in load['after'])} after; first run of lessons 03 + 07 "
        f"(filling .course/cache/): {result['first_run_lessons_03_07_seconds']:.2f} s",
        "",
        "| checks on the solutions | seconds | x import keras | target | met |",
        "|---|---:|---:|---:|:---:|",
    ]
    before = recorded_ratios()
    against = result.get("against")
    if against:
        lines[-2:] = [f"| checks on the solutions | seconds | x import keras | at {against}, same run | "
                      "target | met |", "|---|---:|---:|---:|---:|:---:|"]
    for number, row in result["lessons"].items():
        target = targets["first_three"] if number in FIRST_THREE else targets["slowest"]
        if against:
            then = row["before"]
            was = f" | {then['seconds']:.2f} s, {then['ratio']:.2f} ({row['seconds'] / then['seconds']:.2f}x of it)"
        else:
            was = f" (bench/results/latest.json: {before[number]:.2f})" if number in before else ""
        lines.append(
            f"| lesson {number} {row['title']} | {row['seconds']:.2f} | {row['ratio']:.2f}{was} "
            f"| {target} | {verdict(row['ratio'], target)} |"
        )
    gap = "| " if against else ""  # the rows below have no "before" figure
    for number, row in result["lessons"].items():
        if "rerun" in row:
            rerun = row["rerun"]
            lines.append(
                f"| lesson {number}, a rerun in `watch` or a notebook (warm) | {rerun['seconds']:.2f} "
                f"| {rerun['ratio']:.2f}, {rerun['of_fresh']:.2f}x its fresh run {gap}"
                f"| {targets['rerun']}x the fresh run | {verdict(rerun['of_fresh'], targets['rerun'])} |"
            )
    if result["lessons"]:
        first_three, slowest = result["first_three_ratio"], result["slowest"]
        lines.append(
            f"| lessons 01-03, the slowest of them | | {first_three:.2f} {gap}| {targets['first_three']} "
            f"| {verdict(first_three, targets['first_three'])} |"
        )
        lines.append(
            f"| slowest lesson ({slowest['lesson']}) | | {slowest['ratio']:.2f} {gap}| {targets['slowest']} "
            f"| {verdict(slowest['ratio'], targets['slowest'])} |"
        )
    progress = result["progress"]
    if progress:
        lines.append(
            f"| `mnist-course progress`, all 8 lessons, {progress['cores']} cores | {progress['seconds']:.2f} "
            f"| {progress['ratio']:.2f} {gap}| {targets['progress']} "
            f"| {verdict(progress['ratio'], targets['progress'])} |"
        )
    grade = result.get("grade")
    if grade:
        lines.append(
            f"| `mnist-course report` (grading, isolated), all 8 lessons, {grade['cores']} cores | {grade['seconds']:.2f} "
            f"| {grade['ratio']:.2f} {gap}| {targets['grade']} | {verdict(grade['ratio'], targets['grade'])} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--no-progress", action="store_true", help="leave out `mnist-course progress`")
    parser.add_argument("--against", metavar="REV", help="also time each lesson's checks at git revision REV")
    parser.add_argument("--commands-only", action="store_true",
                        help="only `import keras`, progress and report, in turn (no lesson rows)")
    args = parser.parse_args()
    result = measure(args.repeat, progress=not args.no_progress, against=args.against,
                     lessons_too=not args.commands_only)
    print(json.dumps(result, indent=2) if args.json else markdown(result))


if __name__ == "__main__":
    main()
