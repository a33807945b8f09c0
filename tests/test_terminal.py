"""NO_COLOR turns every companion command's styling off, bold and dim included."""

from __future__ import annotations

import io

from mnist_course.companion import terminal


def styled_output(monkeypatch, no_color: str | None) -> str:
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    out = io.StringIO()
    console = terminal.console(file=out, force_terminal=True)
    console.print("[bold red]Lesson 02[/bold red] [dim]done[/dim]")
    return out.getvalue()


def test_no_color_means_plain_text(monkeypatch):
    assert styled_output(monkeypatch, "1") == "Lesson 02 done\n"


def test_colour_when_no_color_is_unset_or_empty(monkeypatch):
    assert "\x1b[" in styled_output(monkeypatch, None)
    assert "\x1b[" in styled_output(monkeypatch, "")  # no-color.org: an empty value does not count


def test_a_folder_named_with_escape_sequences_is_shown_not_obeyed(tmp_path):
    # A probe named a submission's folder with "clear the screen" and "red" sequences (and a
    # terminal title): `report` printed them raw in its one-line errors and warnings.
    import subprocess
    import sys

    from conftest import ROOT

    folder = tmp_path / "evil\x1b]0;TITLE\x07\x1b[2J\x1b[1;31mX\u202e"
    folder.mkdir()
    run = subprocess.run([sys.executable, "-m", "mnist_course.cli", "report", "--lessons", str(folder / "lessons")],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 2 and "no such folder" in run.stderr
    assert "\x1b" not in run.stderr and "\x07" not in run.stderr and "\u202e" not in run.stderr
    assert "evil\\x1b]0;TITLE\\x07\\x1b[2J" in run.stderr
