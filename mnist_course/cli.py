"""`mnist-course`: the learner's command line.

Every subcommand acts on the course folder it is run from (found by walking up to the
folder holding `solutions/`). Problems the learner can fix are one line on stderr and
exit code 2, never a traceback: `main` is the boundary where anything that escapes (a
CourseError, a full disk, an out-of-memory, a bug) becomes that line.
MNIST_COURSE_DEBUG=1 shows the traceback instead.
"""

from __future__ import annotations

if __name__ == "__main__":  # `python -m mnist_course.cli` starts as the command does, so that
    from mnist_course.entry import main  # Ctrl-C while the libraries below load is one line too

    raise SystemExit(main())

import functools
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated, Optional

import typer

from mnist_course.course import CourseError, find_course_root

# Bounds of numbers a learner types: beyond them TensorFlow or the clock fails deep inside.
MOST_EPOCHS = 1000
LONGEST_LIMIT = 24 * 60 * 60  # seconds: a day

app = typer.Typer(
    name="mnist-course",
    help="Learn handwritten-digit classification with Keras, one checked lesson at a time.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def given_path(text: str) -> Path:
    """A path from the command line; an empty one (an unset "$VARIABLE"?) is refused, not read as "."."""
    if not text.strip():
        raise typer.BadParameter("is empty (an unset variable in quotes?): give a path.")
    return Path(text)


SolutionsOption = Annotated[
    bool, typer.Option("--solutions", help="Use the reference code in solutions/.")
]
ImplOption = Annotated[
    Optional[Path],
    typer.Option("--impl", metavar="DIR", parser=given_path, help="Use the lesson modules in DIR (default: lessons/)."),
]


def implementation(solutions: bool, impl: Optional[Path]):
    from mnist_course.course import implementation_folder
    from mnist_course.training.pipeline import Implementation

    root = find_course_root()
    return Implementation(implementation_folder(root, solutions, impl), reference=root / "solutions")


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that `finally` blocks clean up (no half-written file)."""


def _terminate(signum, frame):
    raise Terminated()


def interruptible(what: str):
    """Ctrl-C or SIGTERM during the command: one line saying `what` became of the work, exit 130.

    A command whose work is done in part by then (a model saved) says so instead, as the
    interruption's `outcome`.
    """

    def decorate(command):
        @functools.wraps(command)
        def run(*args, **kwargs):
            previous = None
            if threading.current_thread() is threading.main_thread():
                previous = signal.signal(signal.SIGTERM, _terminate)
            try:
                return command(*args, **kwargs)
            except KeyboardInterrupt as stop:
                name = "terminated" if isinstance(stop, Terminated) else "interrupted"
                print(f"mnist-course: {name}: {getattr(stop, 'outcome', what)}", file=sys.stderr)
                raise typer.Exit(143 if isinstance(stop, Terminated) else 130) from None
            finally:
                if previous is not None:
                    signal.signal(signal.SIGTERM, previous)

        return run

    return decorate


@app.command()
@interruptible("no half-written model was left behind, and your earlier models are as they were.")
def train(
    solutions: SolutionsOption = False,
    impl: ImplOption = None,
    model: Annotated[
        str, typer.Option("--model", help="mlp (lessons 01-06) or cnn (lesson 08, convolutional).")
    ] = "mlp",
    epochs: Annotated[
        Optional[int],
        typer.Option(min=1, max=MOST_EPOCHS,
                     help="Most epochs (default 12 for mlp, 9 for cnn); early stopping may stop "
                     "sooner."),
    ] = None,
    out: Annotated[Optional[Path], typer.Option(parser=given_path, help="Where to save the .keras model.")] = None,
    seed: Annotated[
        int, typer.Option(min=0, max=2**32 - 1, help="Seed for weights, shuffling and dropout.")
    ] = 0,
    limit: Annotated[
        Optional[int],
        typer.Option(min=100, help="Train on only the first N training images: a quick try-out."),
    ] = None,
    augment: Annotated[
        bool,
        typer.Option(help="Randomly rotate, shift and zoom training images (lesson 04's augment)."),
    ] = True,
):
    """Train the MLP (or --model cnn) with your lesson code (or the reference); save a .keras file."""
    from mnist_course.training.pipeline import train_and_save

    outcome = None  # once the model is saved, what an interruption says instead

    def saved(path: Path, latest: bool) -> None:
        nonlocal outcome
        outcome = (
            f"the new model was saved to {path}, and .course/models/LATEST names it "
            "(`mnist-course evaluate` gives its test accuracy)."
            if latest
            else f"the new model was saved to {path}, but .course/models/LATEST does not name "
            f"it yet: pass --model {path} to use it."
        )

    # A progress bar on a terminal; one line per epoch in logs and CI, where bars garble.
    verbose = 1 if sys.stdout.isatty() else 2
    try:
        result = train_and_save(
            find_course_root(),
            implementation(solutions, impl),
            epochs=epochs,
            out=out,
            seed=seed,
            limit=limit,
            verbose=verbose,
            model_kind=model,
            augment=augment,
            on_saved=saved,
        )
        epochs = f"{result.epochs} epoch" + ("s" if result.epochs != 1 else "")
        typer.echo(f"Trained {epochs} in {result.seconds:.1f} s.")
        typer.echo(f"Test accuracy: {result.test_accuracy:.4f}")
        typer.echo(f"Model saved to {result.model_path}")
        if result.kept:
            typer.echo(f"Your earlier {result.model_path.name} is kept as {result.kept}")
        for figure in result.figures:
            typer.echo(f"Figure: {figure}")
        for note in result.notes:
            print(f"note: {note}", file=sys.stderr)
    except KeyboardInterrupt as stop:
        if outcome:
            stop.outcome = outcome
        raise


@app.command()
@interruptible("nothing was changed.")
def evaluate(
    model: Annotated[Optional[Path], typer.Option(parser=given_path, help="A .keras file (default: the latest trained).")] = None,
    json: Annotated[bool, typer.Option("--json", help="Print {accuracy, confusion} as JSON.")] = False,
    solutions: SolutionsOption = False,
    impl: ImplOption = None,
):
    """Accuracy and confusion matrix of a trained model on the MNIST test set."""
    from mnist_course.training.pipeline import evaluate as run_evaluation
    from mnist_course.training.pipeline import latest_model

    root = find_course_root()
    path = model or latest_model(root)
    result = run_evaluation(root, implementation(solutions, impl), path)
    if json:
        typer.echo(result.to_json())
        return
    typer.echo(f"Model: {path}")
    typer.echo(f"Test accuracy: {result.accuracy:.4f}")
    typer.echo(f"Confusion matrix figure: {result.figure}")


@app.command()
@interruptible("stopped.")
def predict(
    images: Annotated[list[Path], typer.Argument(metavar="IMAGE...", parser=given_path, help="Pictures of one digit each.")],
    model: Annotated[Optional[Path], typer.Option(parser=given_path, help="A .keras file (default: the latest trained).")] = None,
    top: Annotated[int, typer.Option(min=1, max=10, help="How many likeliest digits to list.")] = 3,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON array, one object per image.")] = False,
    explain: Annotated[
        Optional[Path], typer.Option(metavar="DIR", parser=given_path, help="Write a figure of every step per image to DIR.")
    ] = None,
    solutions: SolutionsOption = False,
    impl: ImplOption = None,
):
    """Read your own handwritten digits (photos, scans, drawings) with a trained model."""
    from mnist_course.training.predict import predict_images, report_json, result_lines

    results = []
    problems = []

    def complain(message: str) -> None:
        from mnist_course.check_support.safe_text import printable

        problems.append(message)
        print(f"mnist-course: {printable(message, keep_newlines=False)}", file=sys.stderr, flush=True)

    try:
        # One result at a time: each picture is shown as soon as it is read, and only it is in memory.
        for result in predict_images(
            find_course_root(), implementation(solutions, impl), images, model, explain
        ):
            results.append(result)
            if not json:
                for line in result_lines(result, top):
                    typer.echo(line)
                sys.stdout.flush()
            if result.error is not None:
                complain(result.error if result.path in result.error else f"{result.path}: {result.error}")
            if result.explanation_error and not any("explanation" in p for p in problems):
                complain(result.explanation_error)
    except KeyboardInterrupt as stop:
        if json:
            typer.echo(report_json(results))
        name = "terminated" if isinstance(stop, Terminated) else "interrupted"
        print(
            f"mnist-course: {name} after {len(results)} of {len(images)} pictures "
            "(the results so far are above).",
            file=sys.stderr,
        )
        raise typer.Exit(143 if isinstance(stop, Terminated) else 130) from None
    if json:
        typer.echo(report_json(results))
    if problems:
        raise SystemExit(2)


@app.command()
@interruptible("stopped.")  # SIGTERM too ends the server the way Ctrl-C does, pictures removed
def draw(
    model: Annotated[Optional[Path], typer.Option(parser=given_path, help="A .keras file (default: the latest trained).")] = None,
    solutions: SolutionsOption = False,
    impl: ImplOption = None,
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port on 127.0.0.1 (0: any free one).")] = 8028,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Only print the page's address.")] = False,
    time_limit: Annotated[
        float,
        typer.Option("--time-limit", min=1, max=LONGEST_LIMIT, metavar="SECONDS",
                     help="Stop reading a picture after this long."),
    ] = 120,  # runner.DEFAULT_LIMIT, as for the checks: the same code gets the same time
):
    """Draw a digit in your browser and watch your model read it after every stroke."""
    from mnist_course.draw.server import serve

    serve(find_course_root(), implementation(solutions, impl), model, port, open_browser=not no_browser,
          limit=time_limit)  # fmt: skip


# --- The learner's companion: progress, hint, compare, reset, doctor, watch -------------------
# Each command's logic lives in mnist_course/companion/; these only declare the arguments.

def _complete_lessons(incomplete: str):
    from mnist_course.companion.completion import lesson_numbers

    return lesson_numbers(incomplete)


def _complete_functions(ctx: typer.Context, incomplete: str):
    from mnist_course.companion.completion import lesson_functions

    return lesson_functions(ctx, incomplete)


LessonArgument = Annotated[
    str,
    typer.Argument(metavar="NN", help="Lesson number, e.g. 02.", autocompletion=_complete_lessons),
]


# Its default, 120, is runner.DEFAULT_LIMIT (not imported here: the CLI starts light).
TimeLimitOption = Annotated[
    float,
    typer.Option("--time-limit", min=1, max=LONGEST_LIMIT, metavar="SECONDS",
                 help="Stop a lesson's checks after this long."),
]


# Ctrl-C or SIGTERM while the checks run: their children are ended (run_checks' `finally`).
CHECKS_STOPPED = "the checks stopped before they finished; nothing was changed."


@app.command()
@interruptible(CHECKS_STOPPED)
def progress(
    json: Annotated[bool, typer.Option("--json", help="Print the table as JSON.")] = False,
    time_limit: TimeLimitOption = 120,
):
    """Run every lesson's checks and show where you are and what to do next."""
    from mnist_course.companion.progress import show_progress

    show_progress(as_json=json, limit=time_limit)


@app.command()
@interruptible(CHECKS_STOPPED)
def report(
    json: Annotated[
        bool, typer.Option("--json", help="Print JSON (schema: mnist_course/companion/report.schema.json).")
    ] = False,
    time_limit: TimeLimitOption = 120,
    lessons: Annotated[
        Optional[Path], typer.Option("--lessons", metavar="DIR", parser=given_path, help="Grade the lesson files in DIR (default: lessons/).")
    ] = None,
    check_seed: Annotated[
        Optional[int], typer.Option("--check-seed", min=0, help="Repeat a grade: the seed its report names.")
    ] = None,
    same_user: Annotated[
        bool, typer.Option("--same-user", help="Grade even where the learner's code cannot run as a user of "
                           "its own: as root, it then runs as root (not advised).")
    ] = False,
):
    """Grade lesson files with this course's checks, their code isolated: points for instructors."""
    from mnist_course.companion.report import show_report

    show_report(as_json=json, limit=time_limit, lessons=lessons, seed=check_seed, same_user=same_user)


@app.command()
def update(
    source: Annotated[
        str, typer.Argument(metavar="SOURCE", help="A git remote or URL of the course.")
    ] = "upstream",
    ref: Annotated[str, typer.Option("--ref", help="Branch or tag to take (pin a version with a tag).")] = "main",
):
    """Take a newer course (checks, docs, tools) without touching the lessons you edited."""
    from mnist_course.companion.update import update as run_update

    run_update(source, ref)


@app.command()
@interruptible("stopped.")
def hint(
    lesson: LessonArgument,
    function: Annotated[
        Optional[str],
        typer.Argument(
            help="The function you are writing (default: the first one not written).",
            autocompletion=_complete_functions,
        ),
    ] = None,
):
    """One more hint each time you ask: a nudge, then the idea, then the API to use."""
    from mnist_course.companion.hint import give_hint

    give_hint(lesson, function)


@app.command()
@interruptible("nothing was changed.")
def compare(
    lesson: LessonArgument,
    force: Annotated[
        bool, typer.Option("--force", help="Compare even though the lesson's checks fail (spoils it).")
    ] = False,
    side_by_side: Annotated[
        bool, typer.Option("--side-by-side", help="Two columns instead of a unified diff.")
    ] = False,
):
    """Diff your functions against the reference, once the lesson's checks pass."""
    from mnist_course.companion.compare import compare as run_compare

    run_compare(lesson, force=force, wide=side_by_side)


@app.command()
def reset(
    lesson: Annotated[
        Optional[str],
        typer.Argument(metavar="NN", help="Lesson number, e.g. 02.", autocompletion=_complete_lessons),
    ] = None,
    stamp: Annotated[
        Optional[str],
        typer.Argument(metavar="STAMP", help="With --restore: which backup (default: the latest)."),
    ] = None,
    restore: Annotated[
        bool, typer.Option("--restore", help="Bring a backup back instead of resetting.")
    ] = False,
    show_list: Annotated[bool, typer.Option("--list", help="Show the backups.")] = False,
):
    """Start a lesson over from its stub; your file is backed up to .course/backups/ first.

    \b
    mnist-course reset 02                    back up your lesson 02, write its stub
    mnist-course reset --list                show every backup
    mnist-course reset 02 --restore [STAMP]  bring a backup back (yours is backed up first)
    """
    from mnist_course.companion.reset import reset_command

    reset_command(lesson, restore, stamp, show_list)


@app.command()
@interruptible("nothing was changed.")
def doctor():
    """Check that this machine can run the course; each problem comes with its fix.

    Exit code 0 when the course can run, 1 when a red line needs fixing first.
    """
    from mnist_course.companion.doctor import doctor as examine

    raise typer.Exit(examine())


@app.command()
def watch(
    lesson: Annotated[
        Optional[str],
        typer.Argument(
            metavar="NN",
            help="Lesson to start with (default: the first with a function to write).",
            autocompletion=_complete_lessons,
        ),
    ] = None,
    runs: Annotated[
        Optional[int],
        typer.Option(min=1, help="Stop after this many check runs (for scripts and tests)."),
    ] = None,
    time_limit: TimeLimitOption = 120,
):
    """Rerun the current lesson's checks each time you save a lesson file; q quits."""
    from mnist_course.companion.watch import watch as run_watch

    run_watch(lesson, runs=runs, limit=time_limit)


@app.command()
def notebooks(
    build_only: Annotated[bool, typer.Option("--build-only", help="Make the notebooks; do not start JupyterLab.")] = False,
    rebuild: Annotated[
        Optional[str],
        typer.Option("--rebuild", metavar="NN", help="Remake lesson NN's notebook from your lessons/ file (the old one is kept)."),
    ] = None,
    port: Annotated[
        Optional[int], typer.Option(min=1, max=65535, help="Port for JupyterLab.")
    ] = None,
):
    """Open the lessons as notebooks in JupyterLab (made in .course/notebooks/ from your lessons/)."""
    from mnist_course.notebooks.learner_copies import open_notebooks

    open_notebooks(build_only=build_only, rebuild_lesson=rebuild, port=port)


def main(argv: list[str] | None = None) -> None:
    from mnist_course.check_support.quiet import filter_native_stderr

    filter_native_stderr()
    # Matplotlib warns in two lines when the home folder cannot be written (a shared lab
    # account, a container): it uses a temporary folder then, which is all a figure needs.
    logging.getLogger("matplotlib").setLevel(logging.ERROR)
    # Started with stdout or stderr closed (`>&-`): what would go there goes nowhere, as asked.
    sys.stdout = sys.stdout or open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    sys.stderr = sys.stderr or open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    # A terminal without UTF-8 shows '?' for the course's '·', rather than stop the command.
    for stream in (sys.stdout, sys.stderr):
        if (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "") != "utf8":
            try:
                stream.reconfigure(errors="replace")
            except (AttributeError, OSError, ValueError):  # not io's text stream: left as it is
                pass
    sys.stdout, sys.stderr = ReaderMayLeave(sys.stdout), ReaderMayLeave(sys.stderr)
    try:
        app(args=argv, prog_name="mnist-course")
    except CourseError as error:
        fail(str(error))
    except Exception as error:  # noqa: BLE001 - the boundary: never a traceback for the learner
        if os.environ.get("MNIST_COURSE_DEBUG"):
            raise
        fail(unexpected(error))


class ReaderMayLeave:
    """A standard stream whose reader may go away (`mnist-course train | head -1`): what is
    written after that goes nowhere, and the command finishes its work (the model is saved).

    Otherwise the broken pipe is raised wherever the next line is printed: inside the learner's
    train() or Keras' progress bar, where it read as their code's error or as no internet.
    """

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._reader_gone()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._reader_gone()

    def _reader_gone(self) -> None:
        try:  # what the stream still holds is flushed once more at exit: to nowhere, not the pipe
            nowhere = os.open(os.devnull, os.O_WRONLY)
            os.dup2(nowhere, self._stream.fileno())
            os.close(nowhere)
        except (OSError, ValueError, AttributeError):
            pass
        self._stream = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - kept open

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def fail(message: str) -> None:
    """One line on stderr, exit 2. Escape sequences in it (a folder named by a learner) are shown, not obeyed."""
    from mnist_course.check_support.safe_text import printable

    print(f"mnist-course: {printable(' '.join(message.split()), keep_newlines=False)}", file=sys.stderr)
    raise SystemExit(2) from None


def unexpected(error: BaseException) -> str:
    """One line for an error no command turned into a CourseError."""
    from mnist_course.training.model_files import describe_os_error

    if isinstance(error, MemoryError):
        return "ran out of memory: close other programs and try again (or train with --limit 10000)."
    if isinstance(error, OSError):
        return f"could not read or write a file: {describe_os_error(error)}."
    if isinstance(error, RecursionError):
        return "a file is nested too deeply to read (damaged?)."
    text = " ".join(str(error).split())[:200]
    return (
        f"unexpected error ({type(error).__name__}: {text}); run again with "
        "MNIST_COURSE_DEBUG=1 for the traceback, and please report it."
    )

