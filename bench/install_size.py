"""What a learner's first command downloads and installs: `tensorflow` against `tensorflow-cpu`.

On Linux x86-64 pyproject.toml installs TensorFlow's CPU-only build, `tensorflow-cpu`. This
measures what that saves, BEFORE (the same course with plain `tensorflow`) beside AFTER (the
course as it is), in one run, on this machine:

- the download: every wheel `pip download` fetches for a fresh environment (the course's
  dependencies, the course itself not included), and the TensorFlow wheel alone;
- the installed size: the environment's site-packages, and TensorFlow's own files in it;
- the wall time of `python3 bootstrap.py setup` in a fresh copy of the course with a warm
  pip cache (what a learner's second clone, or a classroom's image build, costs: the
  network is left out, unpacking and installing are not).

Both copies live in a scratch folder under the system's temporary folder, never in the
course: AFTER is this working tree as git sees it (`Workspace.copy_to`), BEFORE the same
files with the TensorFlow requirement put back to plain `tensorflow`, or with `--before REV`
the course at git revision REV (`git archive`). Each copy is set up once untimed first,
which fills pip's cache; then each is set up again from scratch, in turn, `--repeat` times.
The load average before and after is printed with the table: a busy machine slows the set-up
times (sizes do not change).

    python bench/install_size.py              # about 10 minutes; prints the table
    python bench/install_size.py --json       # the same figures as JSON
    python bench/install_size.py --keep       # leave the two environments (to run checks in them)

The table and the figures are written to bench/results/install-size.md and .json, from which
the sizes quoted in the README and the guide are rewritten (mnist_course/course/quoted_figures.py).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mnist_course.course import quoted_figures  # noqa: E402
from mnist_course.course.workspace import Workspace  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
NAME = "install-size"
LABELS = ("before", "after")
# What bootstrap.py would see as the learner's own environment: none of it may leak in.
LEAKY = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "CONDA_PREFIX", "PIP_REQUIRE_VIRTUALENV")
TENSORFLOWS = ("tensorflow", "tensorflow-cpu", "tensorflow-intel", "tensorflow-macos")

# A `tensorflow...` requirement in pyproject.toml: a quoted string, its name, the rest.
REQUIREMENT = re.compile(r"""^(\s*)(['"])(tensorflow(?:-cpu)?)\s*([<>=!~][^;'"]*)(?:;(?:(?!\2).)*)?\2(,.*)?$""")


def plain_tensorflow(pyproject: str) -> str:
    """pyproject.toml's text with plain `tensorflow` on every platform, as before the change.

    The `tensorflow-cpu` requirement goes; the marker of the `tensorflow` one goes with it.
    A ValueError if there is no `tensorflow-cpu` requirement to take out.
    """
    lines, dropped = [], False
    for line in pyproject.splitlines(keepends=True):
        match = REQUIREMENT.match(line.rstrip("\n"))
        if match and match[3] == "tensorflow-cpu":
            dropped = True
            continue
        if match:
            indent, quote, name, specifier, rest = match.groups()
            line = f"{indent}{quote}{name}{specifier.rstrip()}{quote}{rest or ','}\n"
        lines.append(line)
    if not dropped:
        raise ValueError("pyproject.toml has no tensorflow-cpu requirement: nothing to compare")
    return "".join(lines)


def revision_tree(revision: str, destination: Path) -> Path:
    """The course's files at git `revision`, unpacked into `destination` (`git archive`)."""
    destination.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "--format=tar", revision], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(destination)], input=archive.stdout, check=True)
    return destination


def trees(scratch: Path, before: str | None) -> dict[str, Path]:
    after = Workspace(ROOT).copy_to(scratch / "after")
    if before:
        old = revision_tree(before, scratch / "before")
    else:
        old = Workspace(ROOT).copy_to(scratch / "before")
        pyproject = old / "pyproject.toml"
        pyproject.write_text(plain_tensorflow(pyproject.read_text(encoding="utf-8")), encoding="utf-8")
    return {"before": old, "after": after}


def clean_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in LEAKY}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def venv_python(tree: Path) -> Path:
    return tree / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def setup(tree: Path, python: str) -> float:
    """Wall time of `python3 bootstrap.py setup` in `tree`, from no environment at all."""
    shutil.rmtree(tree / ".venv", ignore_errors=True)
    started = time.perf_counter()
    run = subprocess.run([python, "bootstrap.py", "setup"], cwd=tree, env=clean_env(),
                         capture_output=True, text=True)  # fmt: skip
    seconds = time.perf_counter() - started
    if run.returncode:
        raise SystemExit(f"bench: bootstrap.py setup failed in {tree}:\n{run.stdout[-2000:]}{run.stderr[-2000:]}")
    return seconds


def folder_bytes(folder: Path) -> int:
    """The apparent size of every file under `folder` (symbolic links not followed)."""
    total = 0
    for parent, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(parent, name)).st_size
            except OSError:
                pass
    return total


INSPECT = r"""
import importlib.metadata as m, json, os, site, sys
found = {}
for name in sys.argv[1:]:
    try:
        dist = m.distribution(name)
    except m.PackageNotFoundError:
        continue
    size = 0
    for file in dist.files or []:
        path = dist.locate_file(file)
        if os.path.isfile(path) and not os.path.islink(path):
            size += os.path.getsize(path)
    found[name] = {"version": dist.version, "bytes": size}  # as asked: metadata may say tensorflow_cpu
print(json.dumps({"site_packages": site.getsitepackages()[0], "tensorflow": found,
                  "pip": m.version("pip"), "python": sys.version.split()[0]}))
"""


def installed(tree: Path) -> dict:
    """The environment bootstrap.py made: its site-packages' size and the TensorFlow in it."""
    run = subprocess.run([str(venv_python(tree)), "-c", INSPECT, *TENSORFLOWS], env=clean_env(),
                         capture_output=True, text=True, check=True)  # fmt: skip
    facts = json.loads(run.stdout)
    facts["site_packages_bytes"] = folder_bytes(Path(facts.pop("site_packages")))
    return facts


def download(tree: Path, folder: Path) -> dict:
    """Every file `pip download` fetches for the course in `tree`, with this environment's pip."""
    subprocess.run([str(venv_python(tree)), "-m", "pip", "download", "--quiet", "--dest", str(folder), str(tree)],
                   env=clean_env(), capture_output=True, text=True, check=True)  # fmt: skip
    files = {path.name: path.stat().st_size for path in sorted(folder.iterdir())
             if not path.name.lower().startswith(("mnist_course", "mnist-course"))}  # fmt: skip
    wheel = next((name for name in files if re.match(r"tensorflow(_cpu|_intel|_macos)?-\d", name)), None)
    return {
        "bytes": sum(files.values()),
        "files": len(files),
        "tensorflow_wheel": {"name": wheel, "bytes": files[wheel]} if wheel else None,
    }


def load_average() -> list[float] | None:
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except (OSError, AttributeError):
        return None


def measure(python: str, repeat: int, before: str | None, keep: bool) -> dict:
    result = {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "cores": os.cpu_count(), "before_tree": before or
              "this tree with plain `tensorflow`", "load_before": load_average()}  # fmt: skip
    scratch = Path(tempfile.mkdtemp(prefix="mnist-install-size-"))
    try:
        copies = trees(scratch, before)
        for label in LABELS:  # untimed: fills pip's cache (and builds nothing twice later)
            print(f"bench: warming pip's cache with {label}'s set-up...", file=sys.stderr, flush=True)
            setup(copies[label], python)
        times: dict[str, list[float]] = {label: [] for label in LABELS}
        for round_ in range(repeat):
            for label in LABELS:
                print(f"bench: timing {label}'s set-up ({round_ + 1}/{repeat})...", file=sys.stderr, flush=True)
                times[label].append(setup(copies[label], python))
        for label in LABELS:
            facts = installed(copies[label])
            facts["setup_seconds"] = times[label]
            facts["download"] = download(copies[label], scratch / f"download-{label}")
            result[label] = facts
        result["python"] = result["after"]["python"]
        result["pip"] = result["after"]["pip"]
        result["load_after"] = load_average()
        if keep:
            result["kept"] = {label: str(copies[label]) for label in LABELS}
    finally:
        if not keep:
            shutil.rmtree(scratch, ignore_errors=True)
    return result


# --- the table -------------------------------------------------------------------------------


def size(count: int | None) -> str:
    if count is None:
        return "not measured"
    return f"{count / 1e9:.2f} GB" if count >= 1e9 else f"{count / 1e6:.0f} MB"


def distribution(facts: dict) -> str:
    found = facts.get("tensorflow") or {}
    named = ((re.sub(r"[-_.]+", "-", name).lower(), info) for name, info in found.items())
    return " + ".join(f"`{name}` {info['version']}" for name, info in named) or "no TensorFlow"


def tensorflow_bytes(facts: dict) -> int | None:
    found = facts.get("tensorflow") or {}
    return sum(info["bytes"] for info in found.values()) if found else None


def rows(result: dict) -> list[tuple[str, int | float | None, int | float | None, str]]:
    """(what, before, after, unit) for each figure compared."""
    before, after = result["before"], result["after"]
    wheel = lambda facts: (facts["download"]["tensorflow_wheel"] or {}).get("bytes")  # noqa: E731
    setup_time = lambda facts: statistics.median(facts["setup_seconds"])  # noqa: E731
    return [
        (f"download: every wheel ({before['download']['files']} / {after['download']['files']} files)",
         before["download"]["bytes"], after["download"]["bytes"], "bytes"),
        ("download: the TensorFlow wheel", wheel(before), wheel(after), "bytes"),
        ("installed: the environment's site-packages", before["site_packages_bytes"], after["site_packages_bytes"],
         "bytes"),
        ("installed: TensorFlow's own files", tensorflow_bytes(before), tensorflow_bytes(after), "bytes"),
        (f"`python3 bootstrap.py setup`, warm pip cache (median of {len(after['setup_seconds'])})",
         setup_time(before), setup_time(after), "seconds"),
    ]  # fmt: skip


def markdown(result: dict) -> str:
    before, after = result["before"], result["after"]
    lines = [
        f"Linux x86-64, {result['cores']} cores, Python {result['python']}, pip {result['pip']}. "
        f"Before: {result['before_tree']}. Load average (1/5/15 min) {result['load_before']} before, "
        f"{result['load_after']} after. Measured {result['date']} by `python bench/install_size.py`.",
        "",
        f"| what | before: {distribution(before)} | after: {distribution(after)} | after / before |",
        "|---|---:|---:|---:|",
    ]
    for what, old, new, unit in rows(result):
        shown = size if unit == "bytes" else (lambda value: f"{value:.1f} s")
        ratio = f"{new / old:.2f}x" if old and new is not None else ""
        lines.append(f"| {what} | {shown(old)} | {shown(new)} | {ratio} |")
    times = ", ".join(f"{label} {' / '.join(f'{s:.1f} s' for s in result[label]['setup_seconds'])}" for label in LABELS)
    lines += ["", f"Set-up times, run by run in turn: {times}. Sizes in decimal units (1 MB = 10^6 bytes), "
              "as pip prints them; installed sizes are the files' own sizes."]  # fmt: skip
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    parser.add_argument("--repeat", type=int, default=1, help="timed set-ups of each (run in turn)")
    parser.add_argument("--before", metavar="REV", help="compare with the course at git revision REV")
    parser.add_argument("--python", default=sys.executable, help="the Python that runs bootstrap.py")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder and its two environments")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"folder for {NAME}.md/.json")
    args = parser.parse_args(argv)
    if sys.platform != "linux" or os.uname().machine != "x86_64":
        parser.exit(2, "bench: tensorflow-cpu is installed on Linux x86-64 only: run this there.\n")

    result = measure(args.python, args.repeat, args.before, args.keep)
    text = markdown(result)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{NAME}.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.out / f"{NAME}.md").write_text(text)
    if args.out.resolve() == RESULTS.resolve():
        for path in quoted_figures.sync(ROOT):  # the README's and the guide's sizes
            print(f"bench: updated the figures quoted in {path.relative_to(ROOT)}", file=sys.stderr)
    if result.get("kept"):
        print(f"bench: kept {result['kept']['before']} and {result['kept']['after']}", file=sys.stderr)
    print(json.dumps(result, indent=2) if args.json else text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
