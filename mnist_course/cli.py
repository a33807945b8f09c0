"""`mnist-course`: the learner's command line.

Every subcommand acts on the course folder it is run from (found by walking up to the
folder holding `solutions/`). Problems the learner can fix are one line on stderr and
exit code 2, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from mnist_course.course import CourseError, find_course_root

app = typer.Typer(
    name="mnist-course",
    help="Learn handwritten-digit classification with Keras, one checked lesson at a time.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

SolutionsOption = Annotated[
    bool, typer.Option("--solutions", help="Use the reference code in solutions/.")
]
ImplOption = Annotated[
    Optional[Path],
    typer.Option("--impl", metavar="DIR", help="Use the lesson modules in DIR (default: lessons/)."),
]


def implementation(solutions: bool, impl: Optional[Path]):
    from mnist_course.pipeline import Implementation, choose_impl

    return Implementation(choose_impl(find_course_root(), solutions, impl))


@app.command()
def train(
    solutions: SolutionsOption = False,
    impl: ImplOption = None,
    epochs: Annotated[int, typer.Option(min=1, help="Most epochs (early stopping may stop sooner).")] = 20,
    out: Annotated[Optional[Path], typer.Option(help="Where to save the .keras model.")] = None,
    seed: Annotated[int, typer.Option(help="Seed for weights, shuffling and dropout.")] = 0,
    limit: Annotated[
        Optional[int],
        typer.Option(min=100, help="Train on only the first N training images: a quick try-out."),
    ] = None,
):
    """Train the MLP with your lesson code (or the reference) and save it as a .keras file."""
    from mnist_course.pipeline import train_and_save

    # A progress bar on a terminal; one line per epoch in logs and CI, where bars garble.
    verbose = 1 if sys.stdout.isatty() else 2
    result = train_and_save(
        find_course_root(),
        implementation(solutions, impl),
        epochs=epochs,
        out=out,
        seed=seed,
        limit=limit,
        verbose=verbose,
    )
    epochs = f"{result.epochs} epoch" + ("s" if result.epochs != 1 else "")
    typer.echo(f"Trained {epochs} in {result.seconds:.1f} s.")
    typer.echo(f"Test accuracy: {result.test_accuracy:.4f}")
    typer.echo(f"Model saved to {result.model_path}")
    for figure in result.figures:
        typer.echo(f"Figure: {figure}")


@app.command()
def evaluate(
    model: Annotated[Optional[Path], typer.Option(help="A .keras file (default: the latest trained).")] = None,
    json: Annotated[bool, typer.Option("--json", help="Print {accuracy, confusion} as JSON.")] = False,
    solutions: SolutionsOption = False,
    impl: ImplOption = None,
):
    """Accuracy and confusion matrix of a trained model on the MNIST test set."""
    from mnist_course.pipeline import evaluate as run_evaluation
    from mnist_course.pipeline import latest_model

    root = find_course_root()
    path = model or latest_model(root)
    result = run_evaluation(root, implementation(solutions, impl), path)
    if json:
        typer.echo(result.to_json())
        return
    typer.echo(f"Model: {path}")
    typer.echo(f"Test accuracy: {result.accuracy:.4f}")
    typer.echo(f"Confusion matrix figure: {result.figure}")


def main(argv: list[str] | None = None) -> None:
    from mnist_course.quiet import filter_native_stderr

    filter_native_stderr()
    try:
        app(args=argv, prog_name="mnist-course")
    except CourseError as error:
        print(f"mnist-course: {error}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
