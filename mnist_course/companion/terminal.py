"""The one place the companion commands get their terminal from.

Honours NO_COLOR (https://no-color.org): when it is set to anything but an empty string, the
commands write plain text, with no colour and no bold or dim either, which also suits screen
readers and logs. Rich's own NO_COLOR support drops only the colours.
"""

from __future__ import annotations

import os

from rich.console import Console
from rich.table import Table


def plain_requested() -> bool:
    return bool(os.environ.get("NO_COLOR"))


def console(*, stderr: bool = False, soft_wrap: bool = False, **options) -> Console:
    """A rich Console for a companion command's output (stderr when `stderr`)."""
    if plain_requested():
        options["color_system"] = None
    return Console(stderr=stderr, soft_wrap=soft_wrap, highlight=False, **options)


def print_table(console: Console, table: Table, rows: list[tuple[str, ...]]) -> None:
    """`table`, or on a terminal too narrow for it, its title and one plain line per row.

    Squeezed, a table cuts cells short ("2026…", "…") or leaves them empty, and the learner
    cannot read or copy them. `rows` are the table's cells as plain text: a column that may
    fold (overflow="fold") needs room for its longest word, any other for its longest cell.
    """
    def room(column, cells) -> int:
        if column.overflow == "fold":
            return max((len(word) for cell in cells for word in cell.split()), default=0)
        return max(len(cell) for cell in cells)

    columns = [(str(column.header), *cells) for column, cells in zip(table.columns, zip(*rows))]
    natural = sum(room(column, cells) + 3 for column, cells in zip(table.columns, columns)) + 1
    if natural <= console.width:
        console.print(table)
        return
    if table.title:
        console.print(table.title, markup=False, soft_wrap=True)
    for row in rows:  # long lines are the terminal's to wrap, so a cell is never split in two
        console.print("  ".join(cell for cell in row if cell), markup=False, soft_wrap=True)
