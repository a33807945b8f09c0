"""The one place the companion commands get their terminal from.

Honours NO_COLOR (https://no-color.org): when it is set to anything but an empty string, the
commands write plain text, with no colour and no bold or dim either, which also suits screen
readers and logs. Rich's own NO_COLOR support drops only the colours.
"""

from __future__ import annotations

import os

from rich.console import Console


def plain_requested() -> bool:
    return bool(os.environ.get("NO_COLOR"))


def console(*, stderr: bool = False, soft_wrap: bool = False, **options) -> Console:
    """A rich Console for a companion command's output (stderr when `stderr`)."""
    if plain_requested():
        options["color_system"] = None
    return Console(stderr=stderr, soft_wrap=soft_wrap, highlight=False, **options)
