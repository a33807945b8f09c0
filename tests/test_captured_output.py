"""What a failed check shows of the output the learner's code printed (issue 23.8).

A `train` that never passes `verbose` on lets model.fit draw its progress bars in every
check that trains; when such a check fails, pytest shows all of them under the teaching
message. The report keeps the learner's own lines and says how many bars it left out.
"""

from __future__ import annotations

from mnist_course.check_support.quiet import trim_captured

BAR = "\x1b[1m 1/90\x1b[0m \x1b[37m━━━━━━━━━━━━━━━━━━━━\x1b[0m \x1b[1m1s\x1b[0m 22ms/step - accuracy: 0.9600 - loss: 0.16\r"


def test_progress_bars_become_one_line():
    text = "".join(f"Epoch {n}/10\n{BAR * 5}\n" for n in range(1, 11))
    trimmed = trim_captured(text)
    assert "━" not in trimmed and "Epoch" not in trimmed
    assert len(trimmed.splitlines()) == 1
    assert "20 lines of Keras progress bars left out" in trimmed
    assert "verbose" in trimmed


def test_the_learners_own_prints_stay_but_not_pages_of_them():
    assert trim_captured("shape (10, 28, 28)\n") == "shape (10, 28, 28)\n"
    trimmed = trim_captured("".join(f"line {n}\n" for n in range(100)))
    lines = trimmed.splitlines()
    assert len(lines) <= 12
    assert lines[0] == "line 0" and lines[-1] == "line 99"
    assert "90 more lines left out" in trimmed


def test_no_output_stays_no_output():
    assert trim_captured("") == ""
