"""Text from the learner's code, made safe to print on a terminal.

An exception message or printed output can hold terminal control sequences (clear the
screen, set the window title, move the cursor, hide text). Everything the course shows that
came from learner code passes through `printable` first: each control character is written
as a visible escape (`\\x1b`), so the instructor sees what was sent, and the terminal obeys
none of it. Newlines and tabs are kept where the text is meant to have lines.
"""

from __future__ import annotations

import unicodedata

# C0 and C1 controls, DEL, and the Unicode format characters that reorder or hide text
# (bidirectional overrides, zero-width joiners): all "C*" categories but private use.
_KEPT = {"\n", "\t"}


def _visible(character: str) -> str:
    code = ord(character)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str, keep_newlines: bool = True) -> str:
    """`text` with every control or format character escaped (newlines and tabs kept)."""
    text = str(text)
    if text.isprintable():
        return text
    out = []
    for character in text:
        if keep_newlines and character in _KEPT:
            out.append(character)
        elif character == "\r":
            out.append("\\r")
        elif unicodedata.category(character) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            out.append(_visible(character))
        else:
            out.append(character)
    return "".join(out)
