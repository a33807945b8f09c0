"""Grading a submission the learner's code cannot reach.

When an instructor grades (`mnist-course report`), the checks run in the grader's process
and every learner function runs in a worker process of its own, one per lesson:

- `channel`: length-prefixed messages over a pipe between the two;
- `codec`: the plain data that crosses it (arrays, numbers, strings, tables, Keras models as
  `.keras` files loaded in safe mode, figures as facts); never a pickle;
- `worker`: the worker's side: imports one lesson file and answers calls;
- `remote`: the grader's side: a stand-in for the lesson module whose functions call the
  worker, with a time limit per call, and a fresh worker after a crash;
- `processes`: limits for the worker and the end of every process the learner's code
  started;
- `figures`: what a matplotlib figure shows, as data, and a figure rebuilt from it.

The same checks run unchanged in the learner's fast loop (`pytest checks/lesson_04`), where
the lesson module is imported in the checks' own process.
"""

# When the lesson's own clock runs out (set by the companion's collector when it starts a
# lesson's checks, as a time.monotonic() value): a call to the worker gives up a little
# before it, so the message names the learner's line instead of "the checks were stopped".
LESSON_DEADLINE: float | None = None
