"""Tooling for the mnist-course: the CLI, stub generation, the learner checks' plumbing.

Nothing in here is lesson content: the lessons live in `solutions/` (reference) and
`lessons/` (the learner's copy, generated from the reference).

    course/          the lesson catalogue (the package itself), the contract with the tools,
                     hints, stubs, the course's files (`workspace`) and the maintainer's check
    check_support/   what the learner checks in `checks/` run on: the pytest plugin, the
                     checks' toolkit, one outcome per failed check, quiet output, quick exit
    pictures/        reading pictures: digit tools, image files, photos, the stages figure
    training/        MNIST data, augmentation, model files, training, prediction
    grading/         grading in isolation (a worker per lesson)
    companion/       the `mnist-course` commands; `cli.py` is their entry point
    draw/            `mnist-course draw`
    notebooks/       the notebook edition
    moved.py         the old name of every module that moved, still importable
"""

__version__ = "0.1.0"

from mnist_course import moved as _moved  # noqa: E402 - after the version, which it does not need

_moved.install()
