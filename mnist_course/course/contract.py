"""The lesson functions the course's own tools call, declared once.

`mnist-course train`, `evaluate`, `predict` (and the guide's figures) run the learner's own
lesson code, looked up by name (`Implementation.function("02", "normalize")`). Renaming one of
these functions in `solutions/` must fail the maintainer's check, not a learner's training run:
`python -m mnist_course.course.dev check` verifies that every name here is a function the learner
writes, and that the tools ask for no name that is not here.
"""

from __future__ import annotations

TOOLS_CALL: dict[str, tuple[str, ...]] = {
    "01": ("load_mnist",),
    "02": ("normalize", "reshape_for_model", "split_validation", "validate_shapes"),
    "04": ("augment", "build_model", "compile_model"),
    "05": ("train", "plot_history"),
    "06": ("predict_labels", "accuracy", "confusion", "plot_confusion"),
    "07": ("read_image", "preprocess_digit", "predict_digit", "explain_figure"),
    "08": ("build_cnn", "compile_cnn"),
}


# What `mnist-course train` calls, by model: checked before it starts (`pipeline.preflight`),
# so a function still to write is said in a second, not after minutes of training.
TRAIN_CALLS: dict[str, dict[str, tuple[str, ...]]] = {
    "mlp": {
        "01": ("load_mnist",),
        "02": ("normalize", "reshape_for_model", "split_validation", "validate_shapes"),
        "04": ("augment", "build_model", "compile_model"),
        "05": ("train", "plot_history"),
        "06": ("predict_labels", "accuracy"),
    },
}
TRAIN_CALLS["cnn"] = {**TRAIN_CALLS["mlp"], "08": ("build_cnn", "compile_cnn")}


def declared(number: str, name: str) -> bool:
    return name in TOOLS_CALL.get(number, ())
