"""Stop a long-running command when the learner presses q (only when stdin is a terminal).

The terminal goes into cbreak mode (keys arrive one at a time, unechoed, while output and
Ctrl-C behave as usual) and is restored on the way out, whatever happens. No terminal, no
key listening: scripts and tests stop the command in other ways.
"""

from __future__ import annotations

import contextlib
import sys
import threading

QUIT_KEYS = {"q", "Q"}


@contextlib.contextmanager
def quit_on_q(stop: threading.Event):
    """Set `stop` when q is pressed, for the duration of the `with` block."""
    if not sys.stdin.isatty():
        yield False
        return
    finished = threading.Event()
    if sys.platform == "win32":
        listener = threading.Thread(target=_listen_windows, args=(stop, finished), daemon=True)
        listener.start()
        try:
            yield True
        finally:
            finished.set()
        return
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    listener = threading.Thread(target=_listen_posix, args=(fd, stop, finished), daemon=True)
    try:
        tty.setcbreak(fd)
        listener.start()
        yield True
    finally:
        finished.set()
        listener.join(timeout=1)
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _listen_posix(fd: int, stop: threading.Event, finished: threading.Event) -> None:
    import os
    import select

    while not (stop.is_set() or finished.is_set()):
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready and os.read(fd, 1).decode(errors="ignore") in QUIT_KEYS:
            stop.set()


def _listen_windows(stop: threading.Event, finished: threading.Event) -> None:  # pragma: no cover
    import msvcrt
    import time

    while not (stop.is_set() or finished.is_set()):
        if msvcrt.kbhit() and msvcrt.getwch() in QUIT_KEYS:
            stop.set()
        time.sleep(0.1)
