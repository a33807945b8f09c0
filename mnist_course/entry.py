"""The `mnist-course` command's first code: it runs before any library is loaded.

Loading the CLI's libraries takes a fraction of a second, before `cli.main` can take Ctrl-C
as a command does; pressed then, it was a full traceback and a death by SIGINT. From here on
it is one line and exit code 130.
"""

from __future__ import annotations

import sys

INTERRUPTED = "mnist-course: interrupted"


def main() -> None:
    try:
        from mnist_course.cli import main as run

        run()
    except KeyboardInterrupt:
        interrupted()


def interrupted() -> None:
    """Ctrl-C that no command caught: one line, the shell's usual exit code for SIGINT."""
    print(INTERRUPTED, file=sys.stderr)
    raise SystemExit(130) from None
