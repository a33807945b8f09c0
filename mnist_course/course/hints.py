"""The course's hints, kept in one data file (`hints.toml` at the course root).

Every function a learner writes has hints in levels, from a nudge to the API to use:

    [lesson_02.normalize]
    levels = ["a nudge", "the idea", "the API to use"]

The same file feeds `mnist-course hint`, the guide's hint boxes and the checks' messages.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from textwrap import shorten

from mnist_course.course import CourseError

HINTS_FILE = "hints.toml"


class HintsFileError(CourseError):
    """hints.toml is missing, not TOML, or not laid out as lesson -> function -> levels."""


@lru_cache(maxsize=None)
def load_hints(root: Path) -> dict:
    """All hints, keyed "lesson_02" -> "normalize" -> {"levels": [...]}; HintsFileError if broken."""
    path = Path(root) / HINTS_FILE
    fix = f"restore it with `git checkout -- {HINTS_FILE}`"
    try:
        with open(path, "rb") as handle:
            hints = tomllib.load(handle)
    except FileNotFoundError:
        raise HintsFileError(f"{HINTS_FILE} is missing: {fix}.") from None
    except (OSError, ValueError, RecursionError) as error:  # TOMLDecodeError and bad UTF-8 are ValueErrors
        words = " ".join(str(error).split())
        reason = shorten(words, 160, placeholder=" ...") or type(error).__name__
        raise HintsFileError(f"{HINTS_FILE} cannot be read ({reason}): {fix}.") from None
    for section, functions in hints.items():
        if not isinstance(functions, dict):
            raise HintsFileError(f"{HINTS_FILE}: [{section}] is not a table of functions: {fix}.")
        for function, entry in functions.items():
            levels = entry.get("levels") if isinstance(entry, dict) else None
            if not isinstance(levels, list) or not all(isinstance(level, str) for level in levels):
                raise HintsFileError(
                    f"{HINTS_FILE}: [{section}.{function}] needs levels = [\"...\", ...]: {fix}."
                )
    return hints


def hint_levels(root: Path, lesson_number: str, function: str) -> list[str]:
    """The hint levels for one function, nudge first; empty when it has none.

    Also empty when hints.toml is broken: a check's own message matters more than its
    hint, so the checks still report (`mnist-course hint` says what is wrong with the file).
    """
    try:
        hints = load_hints(root)
    except HintsFileError:
        return []
    return hints.get(f"lesson_{lesson_number}", {}).get(function, {}).get("levels", [])
