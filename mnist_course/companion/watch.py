"""`mnist-course watch [NN]`: rerun a lesson's checks every time a lesson file is saved.

The checks stop at the first failure and only that message is shown: one thing to fix at
a time. Saving another lesson's file makes that lesson the current one. The file
watching is `watchfiles` (inotify/FSEvents/ReadDirectoryChangesW, polling elsewhere), in a
thread of its own, so a save during a run (a fix for a function that never returns, say)
stops that run and starts a new one; a run also stops at the lesson's time limit.
q quits when the terminal is interactive, Ctrl-C always does. The reruns are forked from a
zygote that has imported TensorFlow once for the whole watch (`warm`): a Keras lesson's checks
start at once instead of importing it again after every save.

An operating system watches a folder, not a name: when lessons/ is moved away and a new
folder takes its place (some editors save that way, and so does `git checkout` across a
rename), a watch on the old folder would go on watching it under its new name. So the
course folder itself is watched too (not its subfolders: a `.venv` there has thousands),
and when the folder named lessons/ is another one, the watch moves to it and the current
lesson is checked again.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
from pathlib import Path

import watchfiles
from rich.console import Console

from mnist_course.training import data
from mnist_course.companion import terminal
from mnist_course.companion.hint import unwritten_functions
from mnist_course.companion.quit_key import quit_on_q
from mnist_course.companion.runner import DEFAULT_LIMIT, ChecksCancelled, run_checks
from mnist_course.companion.warm import WarmChecks
from mnist_course.course.workspace import Workspace, resolve_lesson
from mnist_course.course import LESSONS, CourseError, Lesson

LESSON_FILES = {unit.filename: unit for unit in LESSONS.values()}

# watchfiles logs a warning on Ctrl-C; we say "Stopped watching." ourselves.
logging.getLogger("watchfiles.main").setLevel(logging.ERROR)


def saved_lessons(changes) -> list[Lesson]:
    """The lessons whose file was written (editors that save by renaming count as 'added')."""
    found = []
    for change, path in changes:
        unit = LESSON_FILES.get(Path(path).name)
        if change != watchfiles.Change.deleted and unit and unit not in found:
            found.append(unit)
    return found


REPLACED = "lessons/ replaced"  # on the saves queue: a new folder is now lessons/


def folder_identity(folder: Path) -> tuple[int, int] | None:
    """Which folder `folder` names now (device, inode); None when there is none."""
    try:
        status = folder.stat()
    except OSError:
        return None
    return (status.st_dev, status.st_ino) if folder.is_dir() else None


def starting_lesson(workspace: Workspace) -> Lesson:
    """The first lesson with a function still to write (lesson 01 when all are written)."""
    for unit in LESSONS.values():
        try:
            if unwritten_functions(workspace, unit):
                return unit
        except CourseError:
            continue
    return next(iter(LESSONS.values()))


def show_run(
    workspace: Workspace,
    unit: Lesson,
    console: Console,
    cancelled,
    limit: float | None = DEFAULT_LIMIT,
    warm: WarmChecks | None = None,
) -> None:
    stamp = dt.datetime.now().strftime("%H:%M:%S")
    console.rule(f"{stamp} · {unit.label}", style="dim")
    try:
        with console.status(f"Running the checks of lesson {unit.number}..."):
            run = run_checks(
                workspace, [unit], first_failure_only=True, cancelled=cancelled, limit=limit,
                warm=warm,
            )
    except CourseError as error:  # the checks could not run: say so and keep watching
        console.print(f"[red]✘[/red] {error}", highlight=False)
        return
    results = run.lessons[unit.number]
    if results.collect_errors:
        console.print(f"[red]✘ The checks of lesson {unit.number} cannot load:[/red]")
        console.print(results.collect_errors[0].strip(), markup=False, highlight=False)
    elif results.all_pass:
        console.print(
            f"[green]✔ All {results.total} checks of lesson {unit.number} pass.[/green]",
            highlight=False,
        )
        later = [number for number in LESSONS if number > unit.number]
        if later:
            upcoming = LESSONS[later[0]]
            console.print(
                f"Next: {upcoming.label}: save lessons/{upcoming.filename} to switch to it.",
                markup=False,
                highlight=False,
            )
    else:
        failure = results.failures[0] if results.failures else None
        console.print(
            f"[red]✘[/red] {results.passed} check{'s' if results.passed != 1 else ''} "
            "passed, then:",
            highlight=False,
        )
        console.print(
            failure.message.strip() if failure else "no check ran",
            markup=False,
            highlight=False,
        )


def watch_saves(root: Path, stop: threading.Event, saves: queue.Queue, ready: threading.Event) -> None:
    """Put the lessons of each batch of saves in root/lessons/ on `saves` until `stop` (runs in its own thread).

    REPLACED goes on the queue when lessons/ becomes another folder; the watch moves to it.
    If the watcher cannot run (no inotify watches left, say), the error goes on the queue.
    """
    lessons = root / "lessons"

    def wanted(change, path: str) -> bool:  # a lesson file in lessons/, or lessons/ itself
        path = Path(path)
        return path == lessons or (path.parent == lessons and path.name in LESSON_FILES)

    replaced = False
    try:
        while not stop.is_set():
            watched = folder_identity(lessons)
            # The course folder shows lessons/ itself moving; lessons/ shows its files' saves.
            paths = [root, lessons] if watched else [root]
            for changes in watchfiles.watch(
                *paths,
                watch_filter=wanted,
                recursive=False,
                stop_event=stop,
                yield_on_timeout=True,  # an empty first batch says the watcher is running
                rust_timeout=500,
                raise_interrupt=False,
            ):
                ready.set()
                if replaced:  # said once the new folder is watched: a save right after counts
                    saves.put(REPLACED)
                    replaced = False
                # Checked on every batch, empty ones included: a move can come in pieces.
                now = folder_identity(lessons)
                if now != watched:
                    replaced = replaced or now is not None
                    break  # watch again, the new folder this time
                saved = saved_lessons(changes)
                if saved:
                    saves.put(saved)
    except Exception as error:  # noqa: BLE001 - reported by the main thread as one line
        saves.put(CourseError(f"cannot watch lessons/ for saves ({type(error).__name__}: {error})."))
        ready.set()


def next_saves(saves: queue.Queue, stop: threading.Event) -> list | None:
    """The lessons saved since the last run (waiting for a save), or None once `stop` is set.

    REPLACED is among them when lessons/ became another folder meanwhile.
    """
    found: list = []
    while not found:
        if stop.is_set():
            return None
        try:
            found += _saved(saves.get(timeout=0.2))
        except queue.Empty:
            continue
    while not saves.empty():  # an editor may save several files at once
        found += [unit for unit in _saved(saves.get_nowait()) if unit not in found]
    return found


def _saved(item) -> list:
    if isinstance(item, CourseError):
        raise item
    return [item] if item == REPLACED else item


def watch(
    number: str | None = None,
    runs: int | None = None,
    console: Console | None = None,
    limit: float | None = DEFAULT_LIMIT,
) -> None:
    """Check the current lesson now and after every save, until q, Ctrl-C or `runs` runs."""
    console = console or terminal.console()
    workspace = Workspace.here()
    unit = resolve_lesson(number) if number is not None else starting_lesson(workspace)
    workspace.checks_folder(unit)
    workspace.solution_file(unit)
    if unit.number != "01":  # lesson 01's checks bring their own small files
        data.require(workspace.root)  # no MNIST: say so first, not as failing checks
    lessons = workspace.root / "lessons"
    if not lessons.is_dir():
        raise CourseError(
            f"the lessons/ folder is missing: `mnist-course reset {unit.number}` writes a fresh stub."
        )
    stop = threading.Event()
    saves: queue.Queue = queue.Queue()
    ready = threading.Event()
    watcher = threading.Thread(target=watch_saves, args=(workspace.root, stop, saves, ready), daemon=True)
    done = 0

    def cancelled() -> bool:  # q, Ctrl-C or a save during a run
        return stop.is_set() or not saves.empty()

    # The runs after a save start with TensorFlow already imported (warm.py).
    with quit_on_q(stop) as keys, WarmChecks(workspace.root, start_now=unit.needs_keras) as warm:
        how_to_quit = "press q to quit" if keys else "Ctrl-C to quit"
        try:
            watcher.start()
            ready.wait(timeout=10)
            console.print(f"Watching lessons/ for saves ({how_to_quit}).", style="dim", highlight=False)
            while True:
                try:
                    show_run(workspace, unit, console, cancelled, limit, warm)
                    done += 1
                    if runs is not None and done >= runs:
                        return
                except ChecksCancelled:
                    if stop.is_set():
                        break
                    console.print("Saved during the run: starting again.", style="dim", highlight=False)
                saved = next_saves(saves, stop)
                if saved is None:
                    break
                if REPLACED in saved:
                    console.print("lessons/ was replaced by another folder: watching the new one.",
                                  style="dim", highlight=False)  # fmt: skip
                    saved.remove(REPLACED)
                if saved and unit not in saved:
                    unit = saved[0]
        except KeyboardInterrupt:  # Ctrl-C in the middle of a run or between runs
            pass
        finally:
            stop.set()
            watcher.join(timeout=2)
    console.print("Stopped watching.", style="dim")
