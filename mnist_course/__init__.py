"""Tooling for the mnist-course: the CLI, stub generation, the learner checks' plumbing.

Nothing in here is lesson content: the lessons live in `solutions/` (reference) and
`lessons/` (the learner's copy, generated from the reference).
"""

__version__ = "0.1.0"
