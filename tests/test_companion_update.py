"""`mnist-course update`: newer course files come in, a learner's lesson file never goes out."""

from __future__ import annotations

import subprocess

import pytest
from companion_course import assert_refused, copy_course, mnist_course, snapshot, solve

from mnist_course.course.stubs import generate_stub
from mnist_course.course import LESSONS


def git(folder, *args):
    return subprocess.run(
        ["git", "-c", "user.name=Course", "-c", "user.email=course@example.invalid", *args],
        cwd=folder, check=True, capture_output=True, text=True,
    ).stdout


def repository(folder):
    git(folder, "init", "--quiet", "--initial-branch=main")
    git(folder, "add", "-A")
    git(folder, "commit", "--quiet", "-m", "course")
    return folder


@pytest.fixture
def classroom(tmp_path):
    """(upstream course with a newer commit, learner's copy made from the older one: no shared history)."""
    upstream = repository(copy_course(tmp_path / "upstream"))
    learner = repository(copy_course(tmp_path / "learner"))
    # The course moves on: a check gains a line, lesson 03's spec (docstring) changes, and so does 04's.
    check = upstream / "checks" / "lesson_02" / "test_prepare.py"
    check.write_text(check.read_text() + "\n# a newer check file\n")
    for number in ["03", "04"]:
        solution = upstream / "solutions" / LESSONS[number].filename
        solution.write_text(solution.read_text().replace('"""', '"""(updated) ', 1))
        lesson = upstream / "lessons" / LESSONS[number].filename
        lesson.write_text(generate_stub(solution.read_text(), LESSONS[number]))
    git(upstream, "commit", "--quiet", "-am", "newer course")
    git(learner, "remote", "add", "upstream", str(upstream))
    return upstream, learner


def test_update_keeps_every_edited_lesson_and_backs_up_changed_stubs(classroom):
    upstream, learner = classroom
    solve(learner, "02")
    solve(learner, "04", ["build_model"])
    edited = {n: (learner / "lessons" / LESSONS[n].filename).read_bytes() for n in ["02", "04"]}
    run = mnist_course(learner, "update", timeout=120)
    assert run.returncode == 0, run.stderr
    # Course files come from upstream ...
    for name in ["checks/lesson_02/test_prepare.py", "solutions/lesson_03_explore.py"]:
        assert (learner / name).read_bytes() == (upstream / name).read_bytes()
    # ... the learner's edited lessons stay byte for byte, the untouched stub becomes the new one.
    for number, data in edited.items():
        assert (learner / "lessons" / LESSONS[number].filename).read_bytes() == data
    lesson_03 = LESSONS["03"].filename
    assert (learner / "lessons" / lesson_03).read_bytes() == (upstream / "lessons" / lesson_03).read_bytes()
    assert "lessons/lesson_03_explore.py: you had not started it" in run.stdout
    # Lesson 04's stub changed upstream: the learner's file is also backed up, as reset does.
    assert "lessons/lesson_04_model.py: its stub changed upstream" in run.stdout
    (backup,) = (learner / ".course" / "backups" / "lesson_04").glob("*.py")
    assert backup.read_bytes() == edited["04"]
    assert not (learner / ".course" / "backups" / "lesson_02").exists()  # its stub did not change
    listed = mnist_course(learner, "reset", "--list")
    assert backup.stem in listed.stdout and "ok" in listed.stdout


def test_update_refuses_when_course_files_have_uncommitted_changes(classroom):
    _, learner = classroom
    check = learner / "checks" / "lesson_01" / "test_load.py"
    check.write_text(check.read_text() + "\n# my own note\n")
    before = snapshot(learner / "checks") | snapshot(learner / "lessons")
    assert_refused(mnist_course(learner, "update", timeout=60), "checks/lesson_01/test_load.py", "git stash")
    assert snapshot(learner / "checks") | snapshot(learner / "lessons") == before


def test_update_outside_git_and_from_a_missing_remote(tmp_path, classroom):
    plain = copy_course(tmp_path / "plain")
    assert_refused(mnist_course(plain, "update", timeout=60), "not a git repository")
    _, learner = classroom
    before = snapshot(learner / "lessons")
    assert_refused(mnist_course(learner, "update", "nowhere", timeout=60), "nowhere", "git remote -v")
    assert snapshot(learner / "lessons") == before


def test_update_backs_up_the_learners_own_files_it_would_replace(classroom):
    """Issue 22, case 2: files git does not track are in no commit, so the update keeps a copy."""
    upstream, learner = classroom
    (upstream / "notes.md").write_text("# Course notes\n")
    (upstream / "tools").mkdir()
    (upstream / "tools" / "plot.py").write_text("# the course's plotting tool\n")
    (upstream / "scratch").write_text("a course file where the learner has a folder\n")
    git(upstream, "add", "-A")
    git(upstream, "commit", "--quiet", "-m", "notes, tools, scratch")
    mine = {
        "notes.md": b"my own notes, never committed\n",
        "tools": b"a file of mine where the course now has a folder\n",
        "scratch/idea.py": b"print('an idea of mine')\n",
    }
    for name, data in mine.items():
        (learner / name).parent.mkdir(parents=True, exist_ok=True)
        (learner / name).write_bytes(data)
    run = mnist_course(learner, "update", timeout=120)
    assert run.returncode == 0, run.stderr
    assert (learner / "notes.md").read_text() == "# Course notes\n"  # the course's file came in
    kept = {
        str(path.relative_to(folder)): path.read_bytes()
        for folder in (learner / ".course" / "backups" / "files").iterdir() if folder.is_dir()
        for path in folder.rglob("*") if path.is_file()
    }
    assert kept == mine
    for name in mine:
        assert name in run.stdout, run.stdout
    assert ".course/backups/files/" in run.stdout


def test_a_ref_that_reads_as_an_option_is_refused_and_runs_nothing(classroom, tmp_path):
    _, learner = classroom
    planted = tmp_path / "planted"
    for ref in (f"--upload-pack=touch {planted}", "-h", "main;touch x", "../../etc"):
        assert_refused(mnist_course(learner, "update", "upstream", "--ref", ref, timeout=60),
                       "is not the name of a branch, tag or commit", "git ls-remote")
    assert not planted.exists(), "git ran the command given as --ref"


def test_update_from_nowhere_says_what_is_wrong_and_what_to_run(classroom, tmp_path):
    """Issue 22, case 2: not git's last line ("... and the repository exists.")."""
    _, learner = classroom
    git(learner, "remote", "remove", "upstream")
    before = snapshot(learner / "lessons") | snapshot(learner / "checks")
    assert_refused(mnist_course(learner, "update", timeout=60), "no `upstream` remote", "git remote add upstream")
    missing = tmp_path / "no-such-course"
    assert_refused(mnist_course(learner, "update", str(missing), timeout=60), str(missing), "does not exist")
    (tmp_path / "plain").mkdir()
    assert_refused(mnist_course(learner, "update", str(tmp_path / "plain"), timeout=60), "not a git repository")
    assert snapshot(learner / "lessons") | snapshot(learner / "checks") == before


def test_update_removes_course_files_dropped_upstream_and_nothing_of_the_learners(classroom):
    upstream, learner = classroom
    git(upstream, "rm", "--quiet", "bench/own_digits.py")
    git(upstream, "commit", "--quiet", "-m", "a bench script goes")
    (learner / "my_notes.md").write_text("what I learnt\n")
    git(learner, "add", "my_notes.md")
    git(learner, "commit", "--quiet", "-m", "notes")
    run = mnist_course(learner, "update", timeout=120)
    assert run.returncode == 0, run.stderr
    assert not (learner / "bench" / "own_digits.py").exists()
    assert "Removed 1 course file(s) the new course no longer has" in run.stdout
    assert (learner / "my_notes.md").read_text() == "what I learnt\n"  # not the course's: kept
    assert (learner / "bench" / "check_speed.py").exists()


def test_update_keeps_the_learners_own_committed_files_inside_course_folders(classroom):
    """A file upstream lacks in docs/, tests/ or examples/ is only the course's to remove when
    the course ever had it: notes, a test or a photo of the learner's own there are in no
    commit of the course. The course's own example photo and experiment that went upstream go."""
    upstream, learner = classroom
    dropped = ["bench/own_digits.py", "examples/seven-thick-marker.png", "experiments/output_layer.py"]
    git(upstream, "rm", "--quiet", *dropped)
    git(upstream, "commit", "--quiet", "-m", "a bench script, an example and an experiment go")
    (learner / "docs" / "my_notes.md").write_text("what I learnt\n")
    (learner / "tests" / "test_my_own.py").write_text("def test_mine():\n    assert True\n")
    (learner / "examples" / "my-own-seven.png").write_bytes(b"my photo")
    git(learner, "add", "docs/my_notes.md", "tests/test_my_own.py", "examples/my-own-seven.png")
    git(learner, "commit", "--quiet", "-m", "my notes, my test and my photo")
    run = mnist_course(learner, "update", timeout=120)
    assert run.returncode == 0, run.stderr
    for name in dropped:  # the course's: gone upstream
        assert not (learner / name).exists(), name
    assert "Removed 3 course file(s)" in run.stdout, run.stdout
    assert (learner / "docs" / "my_notes.md").read_text() == "what I learnt\n"
    assert (learner / "tests" / "test_my_own.py").is_file()
    assert (learner / "examples" / "my-own-seven.png").read_bytes() == b"my photo"
    assert (learner / "examples" / "two-blue-ballpoint.png").is_file()
    assert "my_notes.md" not in git(learner, "status", "--porcelain")


def test_update_where_a_course_folder_became_a_file(classroom):
    upstream, learner = classroom
    git(upstream, "rm", "--quiet", "-r", "bench/results")
    (upstream / "bench" / "results").write_text("the results moved to the docs\n")
    git(upstream, "add", "bench/results")
    git(upstream, "commit", "--quiet", "-m", "results folder becomes a note")
    run = mnist_course(learner, "update", timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (learner / "bench" / "results").read_text() == "the results moved to the docs\n"
    assert "course file(s) the new course no longer has" in run.stdout
