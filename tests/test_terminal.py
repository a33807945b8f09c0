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
