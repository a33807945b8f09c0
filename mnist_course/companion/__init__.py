"""The learner's companion commands: the loop around the exercises.

`mnist-course progress`, `hint`, `compare`, `reset`, `doctor` and `watch`, one module
each; `mnist_course.cli` only parses arguments and calls them. Everything they remember
between runs (hint levels, backups of reset lessons) lives in the course's git-ignored
`.course/` folder.
"""
