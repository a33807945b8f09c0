"""The notebook edition of the course: one Jupyter notebook per lesson.

- `build`: generates the notebooks from the course's single source (the solutions' stubs
  and docstrings, `hints.toml`, the lesson catalogue). `notebooks/` holds them, committed
  for Colab; `python -m mnist_course.notebooks.build` regenerates them.
- `learner_copies`: the learner's own copies in `.course/notebooks/` and `mnist-course notebooks`.
- `in_notebook`: what a notebook's cells call, run inside it (`start`, `check`, `hint`,
  `solution`, `ready`, `reference`).
- `try_it`: the "Try it" cells.
"""
