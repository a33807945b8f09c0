"""The notebook edition of the course: one Jupyter notebook per lesson.

- `build`: generates the notebooks from the course's single source (the solutions' stubs
  and docstrings, `hints.toml`, the lesson catalogue). `notebooks/` holds them, committed
  for Colab; `python -m mnist_course.notebooks.build` regenerates them.
- `workspace`: the learner's own copies in `.course/notebooks/` and `mnist-course notebooks`.

What runs inside a notebook (`check`, `hint`, `solution`) is `mnist_course.notebook`.
"""
