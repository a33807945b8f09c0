"""The commands' --help, shell completion (Typer's) for commands and arguments, and number bounds."""

from __future__ import annotations

import re
import subprocess

import pytest
from companion_course import ROOT, cli_command, cli_env

from mnist_course.course import LESSONS

COMMANDS = ["progress", "hint", "compare", "reset", "doctor", "watch"]


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        cli_command(*args), cwd=ROOT, env=cli_env(**env), capture_output=True, text=True, timeout=60
    )


def test_the_main_help_lists_every_command_and_completion():
    result = run("--help")
    assert result.returncode == 0
    for command in COMMANDS:
        assert f"  {command} " in result.stdout, command
    assert "--install-completion" in result.stdout and "--show-completion" in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = run(command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Usage: mnist-course {command} ")
    assert "--help" in result.stdout
    description = result.stdout.split("\n\n")[1].strip()
    assert len(description) > 30, description


def test_the_completion_script_for_bash():
    # With shell detection on, Typer makes --show-completion a flag and asks shellingham for
    # the parent shell, which fails when pytest runs detached; naming the shell is reliable.
    result = run("--show-completion", "bash", _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1")
    assert result.returncode == 0
    assert "_MNIST_COURSE_COMPLETE=complete_bash" in result.stdout


def complete(*words: str) -> list[str]:
    line = " ".join(("mnist-course", *words))
    result = run(_MNIST_COURSE_COMPLETE="complete_bash", COMP_WORDS=line, COMP_CWORD=str(len(words)))
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_completion_offers_commands_lessons_and_functions():
    assert {"progress", "hint", "compare", "reset", "doctor", "watch"} <= set(complete(""))
    assert complete("hint", "0") == list(LESSONS)
    assert complete("reset", "0") == list(LESSONS)
    assert complete("hint", "02", "") == [
        "normalize", "reshape_for_model", "split_validation", "validate_shapes"
    ]
    assert complete("hint", "02", "re") == ["reshape_for_model"]
    assert complete("hint", "99", "") == []  # no such lesson: nothing to offer, no error


@pytest.mark.parametrize("args, says", [
    (["train", "--seed", "-1"], "'--seed': Input should be greater than or equal to 0"),
    (["train", "--seed", str(2**32)], "'--seed': Input should be less than or equal to 4294967295"),
    (["train", "--epochs", "99999999999999999999"], "'--epochs': Input should be less than or equal to 1000"),
    (["progress", "--time-limit", "inf"], "'--time-limit': Input should be less than or equal to 86400"),
    (["report", "--time-limit", "1e30"], "'--time-limit': Input should be less than or equal to 86400"),
    (["draw", "--time-limit", "inf"], "'--time-limit': Input should be less than or equal to 86400"),
    (["notebooks", "--port", "99999", "--build-only"], "'--port': Input should be less than or equal to 65535"),
])
def test_numbers_beyond_what_the_libraries_take_are_refused_before_anything_runs(args, says):
    # Beyond them Keras refused the seed, TensorFlow the epoch count and the clock the time
    # limit, each deep inside a run, with an internal error and a request to report it.
    result = run(*args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert says in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("args, option", [
    (["predict", ""], "'IMAGE...'"),
    (["predict", "--solutions", "digit.png", ""], "'IMAGE...'"),
    (["evaluate", "--model", ""], "'--model'"),
    (["train", "--out", "", "--solutions"], "'--out'"),
    (["report", "--lessons", ""], "'--lessons'"),
    (["train", "--impl", ""], "'--impl'"),
])
def test_an_empty_path_is_refused_not_read_as_the_current_folder(args, option):
    # "$PICTURE" with the variable unset: Path("") is ".", so report graded the folder the
    # learner stood in and predict said ". is a folder".
    result = run(*args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"Invalid value for {option}: is empty" in result.stderr and "Traceback" not in result.stderr


def test_progress_on_a_narrow_terminal_never_cuts_function_names(tmp_path):
    """Too narrow for the table, each lesson is one plain line (terminal.print_table): a
    function name is whole, not cut short ("load_…") nor folded ("load_mn / ist()")."""
    from companion_course import copy_course, mnist_course

    course = copy_course(tmp_path / "course")
    result = mnist_course(course, "progress", COLUMNS="50")
    assert result.returncode == 0, result.stderr
    assert "…" not in result.stdout, result.stdout
    assert re.search(r"^01  Load the data  0/\d+  not started  load_mnist\(\)$", result.stdout,
                     re.M), result.stdout


def test_a_terminal_without_utf8_gets_question_marks_not_a_crash(tmp_path):
    from companion_course import copy_course, mnist_course

    course = copy_course(tmp_path / "course")  # hint remembers what it showed: not in the repo
    result = mnist_course(course, "hint", "05", "train", PYTHONIOENCODING="ascii")  # '·' is not ASCII
    assert result.returncode == 0, result.stderr
    assert "Lesson 05 ? Train the model ? train()" in result.stdout
    assert "unexpected error" not in result.stderr
