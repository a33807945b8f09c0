"""`mnist-course reset`: start a lesson over without losing anything.

- `reset NN` backs the learner's lesson file up (see `backups`), then writes the stub the
  generator makes from `solutions/`.
- `reset NN --restore [STAMP]` brings a backup back (the latest by default), after
  backing up the current file too, so a restore can itself be undone.
- `reset --list` shows the backups.

The backup holds exactly the bytes the new file replaces: the lesson is read once, those
bytes are backed up, and the file is replaced only if it still holds them (an editor may
save at any moment; if it does, the command tries again, and refuses if the file never
stays still).

Every check (known lesson, sound backup, solutions present) happens before the first
write, so a refused command leaves the disk as it was. A write that fails (a full disk, a
read-only folder, a file where a folder should be) is one line: the lesson file is never
harmed, and the backup made for a reset that then could not happen is removed again.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from mnist_course.companion import terminal
from mnist_course.companion import backups
from mnist_course.course.workspace import Workspace, relative, resolve_lesson
from mnist_course.course import CourseError, Lesson


def _say_backed_up(workspace: Workspace, unit: Lesson, backup, console: Console) -> None:
    if backup is not None:
        console.print(
            f"Backed up your lessons/{unit.filename} to {relative(backup.file, workspace.root)}",
            markup=False,
        )


def reset_lesson(number: str, console: Console | None = None) -> None:
    console = console or terminal.console(soft_wrap=True)
    workspace = Workspace.here()
    unit = resolve_lesson(number)
    stub = workspace.stub_text(unit).encode("utf-8")
    replaced = backups.replace_lesson(workspace, unit, lambda current: stub, f"mnist-course reset {unit.number}")
    backup = replaced.backup
    if not replaced.done:
        console.print(f"lessons/{unit.filename} is already a fresh stub: nothing to reset.", markup=False)
        return
    _say_backed_up(workspace, unit, backup, console)
    console.print(f"Lesson {unit.number} starts afresh: lessons/{unit.filename} is the stub again.", markup=False)
    if backup:
        console.print(
            f"Changed your mind? mnist-course reset {unit.number} --restore {backup.stamp}",
            markup=False,
        )


def restore_backup(number: str, stamp: str | None, console: Console | None = None) -> None:
    console = console or terminal.console(soft_wrap=True)
    workspace = Workspace.here()
    unit = resolve_lesson(number)
    chosen = backups.find(workspace, unit, stamp)
    try:
        data = chosen.read()  # checked before anything is written
    except backups.DamagedBackup as error:
        others = [b.stamp for b in backups.all_backups(workspace, unit) if b != chosen and not b.problem()]
        if others:
            raise CourseError(f"{error} Sound backups: {', '.join(others)}.") from None
        raise
    again = f"mnist-course reset {unit.number} --restore {chosen.stamp}"
    replaced = backups.replace_lesson(workspace, unit, lambda current: data, again)
    backup = replaced.backup
    if not replaced.done:
        console.print(
            f"lessons/{unit.filename} already holds backup {chosen.stamp}: nothing to restore.",
            markup=False,
        )
        return
    _say_backed_up(workspace, unit, backup, console)
    console.print(f"Restored lessons/{unit.filename} from backup {chosen.stamp}.", markup=False)


def list_backups(number: str | None, console: Console | None = None) -> None:
    console = console or terminal.console(soft_wrap=True)
    workspace = Workspace.here()
    unit = resolve_lesson(number) if number is not None else None
    found = backups.all_backups(workspace, unit)
    if not found:
        which = f"lesson {unit.number}" if unit else "any lesson"
        console.print(f"No backups of {which} yet: `mnist-course reset NN` makes one.", markup=False)
        return
    title = f"Backups in {relative(workspace.backups, workspace.root)}/"
    rows = []
    for backup in found:
        problem = backup.problem()
        size = f"{backup.file.stat().st_size} B" if backup.file.is_file() else "-"
        rows.append((backup.lesson.number, backup.stamp, size,
                     "ok" if problem is None else f"damaged: {problem}"))
    headers = ("Lesson", "Stamp", "Size", "State")
    table = Table(title=title, title_justify="left")
    for header in headers:
        table.add_column(header, justify="right" if header == "Size" else "left")
    for *cells, state in rows:
        table.add_row(*cells, f"[green]{state}[/green]" if state == "ok" else f"[red]{state}[/red]")
    terminal.print_table(console, table, rows)
    console.print("Bring one back: mnist-course reset NN --restore STAMP", markup=False)


def reset_command(number: str | None, restore: bool, stamp: str | None, show_list: bool) -> None:
    """Check the combination of arguments, then run the one action it asks for."""
    if show_list:
        if restore or stamp:
            raise CourseError("use --list on its own (with an optional lesson number).")
        list_backups(number)
        return
    if number is None:
        if restore:
            raise CourseError("say which lesson to restore, e.g. `mnist-course reset 02 --restore` "
                              "(`mnist-course reset --list` lists the backups).")
        raise CourseError("say which lesson to reset, e.g. `mnist-course reset 02` (or --list).")
    if restore:
        restore_backup(number, stamp)
        return
    if stamp is not None:
        raise CourseError(
            f"a backup stamp only goes with --restore: mnist-course reset {number} --restore {stamp}"
        )
    reset_lesson(number)
