"""The course's hints, kept in one data file (`hints.toml` at the course root).

Every function a learner writes has hints in levels, from a nudge to the API to use:

    [lesson_02.normalize]
    levels = ["a nudge", "the idea", "the API to use"]

The same file feeds `mnist-course hint`, the guide's hint boxes and the checks' messages.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

HINTS_FILE = "hints.toml"


@lru_cache(maxsize=None)
def load_hints(root: Path) -> dict:
    """All hints, keyed "lesson_02" -> "normalize" -> {"levels": [...]}."""
    with open(Path(root) / HINTS_FILE, "rb") as handle:
        return tomllib.load(handle)


def hint_levels(root: Path, lesson_number: str, function: str) -> list[str]:
    """The hint levels for one function, nudge first; empty when it has none."""
    return load_hints(root).get(f"lesson_{lesson_number}", {}).get(function, {}).get("levels", [])
