"""The figures the README and the guide quote, written from `bench/results/latest.json`.

(And the install sizes from `bench/results/install-size.json`, which `bench/install_size.py`
measures apart: it installs the course twice, and needs no training.)

Times and accuracies in prose go stale the day training or the checks change, so none is
typed by hand. A quoted figure sits between two HTML comments, which GitHub and MkDocs
both hide, so the page reads normally everywhere:

    the reference MLP trains in <!-- figure mlp-time -->about 50 seconds<!-- /figure -->

`python bench/run.py` rewrites every such span from the run it just made (`sync`), and
`python -m mnist_course.course.dev check` fails while any span differs from the latest results
(`stale`). Each figure is rounded the way a person would say it: the results file keeps
the exact numbers, and `docs/performance.md` shows the whole table.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from mnist_course.course.workspace import write_atomically

RESULTS = Path("bench") / "results" / "latest.json"
INSTALL_RESULTS = Path("bench") / "results" / "install-size.json"  # under "install_size"
# Where quoted figures may appear: the README and every page of the guide.
QUOTING = ("README.md", "docs/**/*.md")
SPAN = re.compile(r"<!-- figure ([a-z0-9-]+) -->(.*?)<!-- /figure -->", re.S)


def duration(seconds: float) -> str:
    """`about 50 seconds`, `about 2 minutes`, `about 2.5 minutes`: how a person says a wait."""
    if seconds < 90:
        return f"about {max(5, round(seconds / 5) * 5):.0f} seconds"
    minutes = round(seconds / 30) / 2  # to the half minute
    return f"about {minutes:g} minutes"


def percent(fraction: float) -> str:
    return f"{100 * fraction:.1f}%"


def megabytes(count: int) -> str:
    """`about 480 MB`, `about 1.2 GB`: a download or a disk space, as a person says it."""
    if count >= 0.95e9:
        return f"about {count / 1e9:.1f} GB"
    return f"about {max(10, round(count / 1e7) * 10):.0f} MB"


def _install(label: str, what: Callable[[dict], int]) -> Callable[[dict], str]:
    """A size from bench/install_size.py's run: `label` is "before" (`tensorflow`) or "after"."""
    return lambda result: megabytes(what(result["install_size"][label]))


def _training(result: dict, key: str) -> dict:
    return result["training"][key]


def _lesson_checks(number: str) -> Callable[[dict], str]:
    return lambda result: f"{result['checks']['lessons'][number]['seconds']:.0f} s"


def _real_photos(result: dict, key: str) -> dict:
    return result["own_digits"][key]["sets"]["real"]


def _photos_wrong(key: str) -> Callable[[dict], str]:
    def wrong(result: dict) -> str:
        real = _real_photos(result, key)
        return str(real["n"] - round(real["ours"] * real["n"]))

    return wrong


# name -> how it is said, from the results of one bench/run.py
FIGURES: dict[str, Callable[[dict], str]] = {
    "mlp-time": lambda r: duration(_training(r, "mlp")["seconds"]),
    "mlp-accuracy": lambda r: percent(_training(r, "mlp")["test_accuracy"]),
    "mlp-epochs": lambda r: str(_training(r, "mlp")["epochs"]),
    "mlp-error": lambda r: percent(1 - _training(r, "mlp")["test_accuracy"]),
    # MNIST's test set has 10,000 images: the mistakes, to the nearest ten, as a person says them
    "mlp-mistakes": lambda r: f"about {round((1 - _training(r, 'mlp')['test_accuracy']) * 10_000, -1):.0f}",
    "mlp-no-augment-accuracy": lambda r: percent(_training(r, "mlp_no_augment")["test_accuracy"]),
    "cnn-time": lambda r: duration(_training(r, "cnn")["seconds"]),
    "cnn-accuracy": lambda r: percent(_training(r, "cnn")["test_accuracy"]),
    "cnn-error": lambda r: percent(1 - _training(r, "cnn")["test_accuracy"]),
    "cnn-epochs": lambda r: str(_training(r, "cnn")["epochs"]),
    "keras-example-accuracy": lambda r: percent(_training(r, "keras_example")["test_accuracy"]),
    "keras-example-epochs": lambda r: str(_training(r, "keras_example")["epochs"]),
    "cnn-per-minute": lambda r: (
        f"{(per_minute(_training(r, 'cnn')) / per_minute(_training(r, 'keras_example'))):.1f}"
    ),
    "main-job": lambda r: duration(r["main_job"]["seconds"]),
    "import-keras": lambda r: f"{r['checks']['import_keras_seconds']:.0f} s",
    "lesson-05-checks": _lesson_checks("05"),
    "slowest-checks": lambda r: f"{max(l['seconds'] for l in r['checks']['lessons'].values()):.0f} s",
    "progress": lambda r: f"{r['checks']['progress']['seconds']:.0f} s",
    "photos-read": lambda r: percent(_real_photos(r, "mlp")["ours"]),
    "photos-read-naive": lambda r: percent(_real_photos(r, "mlp")["naive"]),
    "photos-read-no-augment-naive": lambda r: percent(_real_photos(r, "mlp_no_augment")["naive"]),
    "photos-read-no-augment": lambda r: percent(_real_photos(r, "mlp_no_augment")["ours"]),
    "photos-wrong": _photos_wrong("mlp"),
    "photos-wrong-no-augment": _photos_wrong("mlp_no_augment"),
    # What the first set-up downloads and installs: `tensorflow` (before), `tensorflow-cpu` (after).
    "install-download": _install("after", lambda facts: facts["download"]["bytes"]),
    "install-download-before": _install("before", lambda facts: facts["download"]["bytes"]),
    "install-disk": _install("after", lambda facts: facts["site_packages_bytes"]),
    "install-disk-before": _install("before", lambda facts: facts["site_packages_bytes"]),
}


def per_minute(run: dict) -> float:
    """Test accuracy (in %) divided by training minutes: higher is better."""
    return 100 * run["test_accuracy"] / (run["seconds"] / 60)


def load_results(root: Path) -> dict:
    """The latest bench/run.py, with the latest bench/install_size.py under "install_size"."""
    result = json.loads((root / RESULTS).read_text(encoding="utf-8"))
    if (root / INSTALL_RESULTS).is_file():
        result["install_size"] = json.loads((root / INSTALL_RESULTS).read_text(encoding="utf-8"))
    return result


def quoting_files(root: Path) -> list[Path]:
    return sorted({path for pattern in QUOTING for path in root.glob(pattern)})


def said(name: str, result: dict) -> str:
    """How figure `name` is said for `result`; a KeyError names an unknown figure."""
    return FIGURES[name](result)


def rewritten(text: str, result: dict) -> str:
    """`text` with its quoted figures from `result`; one `result` lacks (a partial run) stays."""

    def figure(match: re.Match) -> str:
        try:
            return f"<!-- figure {match[1]} -->{said(match[1], result)}<!-- /figure -->"
        except (KeyError, TypeError, ZeroDivisionError):
            return match[0]

    return SPAN.sub(figure, text)


def stale(root: Path) -> list[str]:
    """Every quoted figure that is not what the latest results say, or names no figure."""
    try:
        result = load_results(root)
    except (OSError, ValueError) as error:
        return [f"{RESULTS} cannot be read ({error}): run `python bench/run.py`."]
    problems = []
    for path in quoting_files(root):
        for match in SPAN.finditer(path.read_text(encoding="utf-8")):
            name, shown = match[1], match[2]
            where = path.relative_to(root).as_posix()
            if name not in FIGURES:
                problems.append(f"{where}: unknown figure {name!r} (known: {', '.join(FIGURES)}).")
                continue
            try:
                wanted = said(name, result)
            except (KeyError, TypeError, ZeroDivisionError):
                problems.append(f"{where}: figure {name!r} is not in {RESULTS} or {INSTALL_RESULTS.name} "
                                "(a partial run?).")  # fmt: skip
                continue
            if shown != wanted:
                problems.append(f"{where}: figure {name!r} says {shown!r}, the latest run {wanted!r}: "
                                "run `python -m mnist_course.course.quoted_figures`.")  # fmt: skip
    return problems


def sync(root: Path, result: dict | None = None) -> list[Path]:
    """Rewrite every quoted figure from `result` (default: the latest results); the files changed."""
    result = load_results(root) if result is None else result
    changed = []
    for path in quoting_files(root):
        text = path.read_text(encoding="utf-8")
        new = rewritten(text, result)
        if new != text:
            write_atomically(path, new)  # an interrupted run leaves the page whole
            changed.append(path)
    return changed


if __name__ == "__main__":
    from mnist_course.course import find_course_root

    for path in sync(find_course_root()):
        print(f"updated {path}")
