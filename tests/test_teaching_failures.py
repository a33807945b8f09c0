"""Failures that used to reach the learner as tracebacks are teaching messages (issue 10, item 5).

Each case is a realistic slip, written the way a learner would, into a copy of the reference
code: a wrong number of returned values, a Keras error inside the model the learner built,
a missing `return`, `sys.exit()` at import or in a function, `os._exit()`, a syntax error,
a folder where the lesson file should be.
The learner checks run on the copy in a process of their own, as `pytest checks/lesson_NN` does
(forked from the warm Python of tests/warm_python.py, which behaves as a fresh interpreter).
"""

from __future__ import annotations

import shutil

import pytest

from mnist_course.course import LESSONS
from mnist_course.course.stubs import solution_functions

from conftest import ROOT, copy_course, run_cli, run_learner_checks

# What pytest prints when it shows code instead of a teaching message.
TRACEBACK_MARKS = ("Traceback (most recent call last)", "_ _ _ _ _", "INTERNALERROR", "\nE   ")


def first_function(number: str) -> str:
    source = (ROOT / "solutions" / LESSONS[number].filename).read_text(encoding="utf-8")
    return solution_functions(source)[0]


def wrap(number: str, function: str, body: str) -> str:
    """Source that replaces `function` with a slip that calls the reference as `_original`."""
    return f"\n\n_original = {function}\n\n\ndef {function}(*args, **kwargs):\n{body}\n"


def course_with(tmp_path, number: str, extra: str):
    """A folder of the reference lessons where lesson `number` ends with `extra` source."""
    folder = tmp_path / "impl"
    shutil.copytree(ROOT / "solutions", folder)
    path = folder / LESSONS[number].filename
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return folder


def checks_output(tmp_path, number: str, extra: str, *options: str) -> str:
    impl = course_with(tmp_path, number, extra)
    result = run_learner_checks(f"checks/lesson_{number}", "--impl", str(impl), "-q", *options, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output  # some checks failed: never 0, never a crash
    for mark in TRACEBACK_MARKS:
        assert mark not in output, f"pytest internals shown ({mark!r}):\n{output}"
    assert "ERROR at setup" not in output, output
    return output


def test_a_wrong_number_of_returned_values_is_explained(tmp_path):
    # For one image the learner also hands back the raw scores; the check unpacks a pair.
    slip = wrap("07", "predict_digit", "    result = _original(*args, **kwargs)\n"
                "    return (*result, result[1]) if np.ndim(args[1]) == 2 else result")
    output = checks_output(tmp_path, "07", slip, "-k", "predict_digit_for_a_batch")
    assert "Lesson 07 · Predict your own digit · predict_digit()" in output
    assert "could not use what it returned: ValueError: too many values to unpack" in output
    assert "digit, probabilities = call(" in output  # the check's own line that could not use it
    assert "Returns section of the docstring" in output


CATEGORICAL = ("    model = _original(*args, **kwargs)\n"
               "    model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])\n"
               "    return model")


@pytest.mark.parametrize("number, function, learns", [
    ("04", "compile_model", "reports_accuracy"), ("08", "compile_cnn", "the_cnn_learns")])
def test_a_one_hot_loss_is_only_the_loss_message(tmp_path, number, function, learns):
    # categorical_crossentropy on integer labels: Keras' "must have the same rank" from a check
    # that fits or evaluates the model would say the return value could not be used, though
    # it was the right model. Only the loss check speaks.
    output = checks_output(tmp_path, number, wrap(number, function, CATEGORICAL),
                           "-k", f"crossentropy or {learns}")
    assert failures_section(output).count(f"· {function}()") == 1, output
    assert "(categorical_crossentropy wants one-hot labels)" in output
    assert "could not use what it returned" not in output and "how many values" not in output
    assert "must have the same rank" not in output
    assert "1 failed, 1 skipped" in output


def test_a_missing_return_is_a_failed_check_not_a_setup_error(tmp_path):
    slip = wrap("04", "compile_model", "    _original(*args, **kwargs)")
    output = checks_output(tmp_path, "04", slip)
    assert "did you forget the `return` statement" in output
    assert " failed" in output and " error" not in output.splitlines()[-1]


def failures_section(output: str) -> str:
    """The reports of the failed checks, without pytest's summary (which, with CI set, repeats
    each report in full)."""
    return output.split("short test summary info")[0]


def test_input_at_import_is_one_message_without_pytest_words(tmp_path):
    output = checks_output(tmp_path, "02", "\nanswer = input('how many images? ')\n")
    assert failures_section(output).count("asked for typed input (input() outside a function)") == 1
    assert "-s" not in output.split() and "captured" not in output, output
    assert 'if __name__ == "__main__":' in output


def test_a_file_saved_as_utf16_is_told_to_be_saved_as_utf8(tmp_path):
    impl = course_with(tmp_path, "02", "")
    lesson_file = impl / LESSONS["02"].filename
    lesson_file.write_bytes(lesson_file.read_text(encoding="utf-8").encode("utf-16"))
    result = run_learner_checks("checks/lesson_02", "--impl", str(impl), "-q", timeout=300)
    output = result.stdout + result.stderr
    assert "lesson_02_prepare.py is not UTF-8 text" in output and "save it as UTF-8" in output, output
    assert "line None" not in output


def test_sys_exit_at_import_is_one_message(tmp_path):
    output = checks_output(tmp_path, "02", "\nimport sys\nsys.exit('done')\n")
    assert failures_section(output).count("ended the program (SystemExit)") == 1
    assert "see the first failure above" in output
    assert 'if __name__ == "__main__":' in output


def test_an_import_error_first_met_by_an_xfailed_check_is_told_in_full_later(tmp_path):
    # An xfailed check shows nothing: the next check failing on the same import error is the
    # first the learner sees, so it must say what is wrong, not "see the first failure above".
    course = copy_course(tmp_path / "course")
    (course / "checks" / "lesson_02" / "test_known.py").write_text(
        "import pytest\n\n\n"
        "@pytest.mark.xfail(reason='known')\n"
        "def test_a_known_failure(learner):\n    learner('02')\n\n\n"
        "def test_a_check(learner):\n    learner('02')\n",
        encoding="utf-8",
    )
    impl = course_with(tmp_path, "02", "\nimport sys\nsys.exit('done')\n")
    result = run_learner_checks("checks/lesson_02/test_known.py", "--impl", str(impl), "-q", cwd=course, timeout=300)
    output = result.stdout + result.stderr
    assert "1 failed, 1 xfailed" in output, output
    assert "ended the program (SystemExit)" in output, output
    assert "see the first failure above" not in output, output


def test_sys_exit_in_a_function_is_explained(tmp_path):
    name = first_function("02")
    output = checks_output(tmp_path, "02", wrap("02", name, "    import sys\n    sys.exit(3)"))
    assert f"· {name}()" in output
    assert "your code called sys.exit(3), which ends the whole program" in output


def test_os_exit_in_a_function_cannot_look_like_a_pass(tmp_path):
    name = first_function("03")
    output = checks_output(tmp_path, "03", wrap("03", name, "    import os\n    os._exit(0)"))
    assert f"· {name}()" in output
    assert "your code called os._exit(0)" in output


def test_a_syntax_error_names_the_line(tmp_path):
    output = checks_output(tmp_path, "06", "\n\ndef broken(:\n    pass\n")
    assert "has a syntax error" in output
    assert "def broken(:" in output
    assert failures_section(output).count("has a syntax error") == 1


def test_progress_bars_do_not_flood_a_failure(tmp_path):
    # train never passes verbose on, and types in 10 epochs: the shared training run draws
    # ten epochs of bars, which pytest would show in full under the epochs failure.
    slip = wrap("05", "train", "    kwargs.pop('verbose', None)\n"
                "    kwargs['epochs'] = 10\n"
                "    return _original(*args, verbose='auto', **kwargs)")
    output = checks_output(tmp_path, "05", slip, "-k", "learns or arguments")
    assert "expected: 2 epochs when train(..., epochs=2)" in output
    assert "pass verbose=verbose to model.fit" in output
    assert "━" not in output and "Epoch 3/10" not in output
    assert "lines of Keras progress bars left out" in output
    assert len(output) < 4000, output


def test_a_folder_where_the_lesson_file_should_be_is_called_a_folder(tmp_path):
    impl = course_with(tmp_path, "03", "")
    lesson_file = impl / LESSONS["03"].filename
    lesson_file.unlink()
    lesson_file.mkdir()  # reset would refuse to write over it: "missing" would send the learner there
    result = run_learner_checks("checks/lesson_03", "--impl", str(impl), "-q", timeout=300)
    output = result.stdout + result.stderr
    assert f"{lesson_file} is a folder, not the lesson's file: rename the folder" in output, output
    assert "is missing" not in output and "Traceback" not in output


SLOW = "    _end = _time.monotonic() + 2.5\n    while _time.monotonic() < _end:\n        _time.sleep(0.05)\n"


@pytest.mark.parametrize("extra, says", [
    ("\nimport time as _time\n" + wrap("02", "normalize", SLOW + "    return _original(*args, **kwargs)"),
     "Lesson 02 · Prepare the data: normalize() is still running after 1 s, at "),
    ("\nimport time as _time\n" + SLOW.replace("\n    ", "\n").lstrip(),
     "Lesson 02 · Prepare the data: your lesson file is still running after 1 s, at "),
])
def test_a_check_that_runs_on_says_where_while_it_runs(tmp_path, monkeypatch, extra, says):
    # A loop that never ends left `pytest checks/lesson_NN` silent: pytest holds back a running
    # check's output. Here the "loop" ends after 2.5 s, so the checks pass after the line.
    monkeypatch.setenv("MNIST_COURSE_PATIENCE", "1")
    impl = course_with(tmp_path, "02", extra)
    result = run_learner_checks("checks/lesson_02", "--impl", str(impl), "-q",
                                "-k", "test_normalize_leaves_its_input_untouched", timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert says in output and "lesson_02_prepare.py line " in output, output
    assert "A loop that never ends, or far more work than the docstring asks for? Ctrl-C stops" in output, output


def test_numbers_and_printed_lines_in_messages_are_plain():
    """float32 sums showed as [5.593999862670898, ...], a progress bar with its colour codes."""
    import numpy as np

    from mnist_course.check_support.toolkit import plain, rounded

    assert rounded(np.array([5.594, 0.06], dtype=np.float32), 3) == [5.594, 0.06]
    assert plain("\x1b[1m6/6\x1b[0m \x1b[32m━━━━\x1b[0m") == "6/6 ━━━━"


# A TensorFlow 1 habit a beginner copies from an old tutorial: Keras 3 cannot run without eager
# execution, and every check of the lesson failed on "Cannot convert a symbolic tf.Tensor".
TF1_HABIT = "\nimport tensorflow as _tf\n_tf.compat.v1.disable_eager_execution()\n"
TF1_TOLD = ("importing lesson_04_model.py turned TensorFlow's eager execution off "
            "(tf.compat.v1.disable_eager_execution(), a TensorFlow 1 habit)")


def test_turning_eager_execution_off_at_import_is_told_as_this_lessons_mistake(tmp_path):
    output = checks_output(tmp_path, "04", TF1_HABIT)
    assert f"Lesson 04 · Build the model\n  {TF1_TOLD}" in output, output
    assert "delete that line" in output and "symbolic" not in output, output


def test_train_tells_the_same_lesson_when_eager_execution_is_turned_off(tmp_path):
    impl = course_with(tmp_path, "04", TF1_HABIT)
    run = run_cli("train", "--impl", str(impl), "--limit", "100", "--epochs", "1", cwd=copy_course(tmp_path / "c"))
    assert run.returncode == 2, run.stdout + run.stderr
    assert f"Lesson 04 · Build the model: {TF1_TOLD}" in run.stderr, run.stderr
    assert "Lesson 05" not in run.stderr and "Traceback" not in run.stderr


def test_a_check_skipped_for_another_ones_failure_says_why_under_q(tmp_path):
    # `pytest -q` showed only "2 skipped": the learner could not see that the checks wait for
    # the loss check (pytest keeps skip reasons for -rs).
    slip = ("\n\ndef compile_cnn(model, total_steps, peak_learning_rate=3e-3, warmup_fraction=0.1):\n"
            "    model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])\n"
            "    return model\n")
    output = checks_output(tmp_path, "08", slip)
    assert "SKIPPED [" in output and "waits for compile_cnn()'s loss: see the loss check" in output, output
