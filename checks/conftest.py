"""Set-up shared by every lesson's checks.

Run the checks for one lesson with `pytest checks/lesson_02`. Add `--solutions` to run them
on the reference code instead of yours, or `--impl DIR` to run them on another folder.
The plumbing (choosing the folder, loading data, friendly failure messages) lives in
`mnist_course/check_support/pytest_plugin.py`; you never need to edit this file.
"""

from mnist_course.check_support.pytest_plugin import *  # noqa: F403 - the checks' fixtures and hooks
