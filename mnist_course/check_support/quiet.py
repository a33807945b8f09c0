"""Keep TensorFlow's native start-up chatter out of the learner's terminal.

TensorFlow >= 2.19 writes C++ log lines ("Could not find cuda drivers...", "oneDNN custom
operations are on...") straight to file descriptor 2, ignoring TF_CPP_MIN_LOG_LEVEL
(tensorflow/tensorflow#100442). They alarm learners and bury real errors, so the CLI routes
fd 2 through a filter that drops exactly those lines and passes everything else on.
"""

from __future__ import annotations

import atexit
import os
import re
import sys
import threading

NOISE = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\)"
    r"|[IWE]\d{4} [\d:. ]+\s+\d+ [\w./-]+\.cc:\d+\]"
    r"|\S*\d{4}-\d\d-\d\d [\d:.]+: [IWE] \S+\.cc:\d+\]"
    r"|To enable the following instructions:)"
)


def is_noise(line: str) -> bool:
    return bool(NOISE.match(line))


def strip_noise(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not is_noise(line))


def filter_native_stderr() -> None:
    """From now until exit, drop TensorFlow's native log lines written to fd 2."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        original = os.dup(2)
        read_end, write_end = os.pipe()
    except OSError:  # pragma: no cover - no real fd 2 (embedded interpreters)
        return
    os.dup2(write_end, 2)
    os.close(write_end)

    def pump():
        with os.fdopen(read_end, "r", errors="replace") as lines:
            for line in lines:
                if not is_noise(line):
                    os.write(original, line.encode())

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()

    def restore():
        sys.stderr.flush()
        os.dup2(original, 2)  # closes the pipe's last write end, so pump() sees EOF
        thread.join(timeout=2)

    atexit.register(restore)


# One line of model.fit's progress: "Epoch 3/10", or a bar ("━━━", "90/90 ... step - loss: ...").
PROGRESS = re.compile(r"^\s*(Epoch \d+/\d+\s*$|.*━|\d+/\d+ .*step)")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
KEEP = 10  # lines of the learner's own output a failed check shows at most


def trim_captured(text: str) -> str:
    """The output a failed check captured, readable under its teaching message.

    Keras' progress bars (a `train` that never passes `verbose` on) become one line saying
    how many were left out; of the rest, the first and last lines stay when there are pages.
    """
    if not text:
        return text
    kept, bars = [], 0
    for line in text.rstrip("\n").split("\n"):  # a bar redrawn with "\r" is one line
        if any(PROGRESS.match(part) for part in ANSI.sub("", line).split("\r")):
            bars += 1
        else:
            kept.append(line)
    if len(kept) > KEEP + 2:
        left = len(kept) - KEEP
        kept = [*kept[: KEEP // 2], f"... {left} more lines left out ...", *kept[-KEEP // 2:]]
    if bars:
        kept.append(f"({bars} lines of Keras progress bars left out: model.fit draws them "
                    "unless it is given verbose=0)")
    return "\n".join(kept) + "\n"
