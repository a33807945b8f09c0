"""`mnist-course update [SOURCE] [--ref REF]`: take a newer course without losing any work.

Everything but `lessons/` comes from SOURCE's REF (a git remote or URL; by default the
`upstream` remote's `main`): new checks, hints, docs, solutions, tooling. A lesson file
is only ever written when it is still the untouched stub (it becomes the new stub); a
file the learner has edited is left byte for byte as it is. When the stub of an edited
lesson changed upstream, the learner's file is also backed up (see `backups`, as `reset`
does), so `mnist-course reset NN` can give the new stub and `reset NN --restore` their
work back.

It works without shared history (GitHub Classroom copies a template): the files are
taken from the fetched commit (`git checkout FETCH_HEAD -- <paths>`), not merged.
It refuses, before changing anything, when tracked files outside `lessons/` have
uncommitted changes, since those would be replaced, and when SOURCE is neither a remote,
an address nor an existing folder. The learner's files git does not track (notes, scripts)
are in no commit: any the new course would replace or delete is backed up first.
A course file the new course no longer has (a module that moved) is removed, but only in the
course's own folders (`COURSE_FOLDERS`): elsewhere a file upstream lacks may be the learner's.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path, PurePosixPath

from rich.console import Console

from mnist_course.companion import terminal
from mnist_course.companion import backups
from mnist_course.course.workspace import Workspace, relative, write_atomically
from mnist_course.course import LESSONS, CourseError
from mnist_course.course.stubs import generate_stub


class GitFailed(CourseError):
    def __init__(self, args: tuple[str, ...], reason: str):
        self.reason = reason
        super().__init__(f"`git {' '.join(args)}` failed: {reason}")


def git(workspace: Workspace, *args: str) -> str:
    try:
        run = subprocess.run(
            ["git", *args], cwd=workspace.root, capture_output=True, text=True, stdin=subprocess.DEVNULL
        )
    except FileNotFoundError:
        raise CourseError("git is not installed: install it, or update by hand (see the guide).") from None
    if run.returncode:
        lines = run.stderr.strip().splitlines() or ["no message"]
        # git says why in its first fatal: line; the lines after it are generic advice
        reason = next((line for line in lines if line.startswith(("fatal:", "error:"))), lines[-1])
        raise GitFailed(args, reason.removeprefix("fatal: ").removeprefix("error: "))
    return run.stdout


def check_source(workspace: Workspace, source: str) -> None:
    """Refuse, in words, a SOURCE that is neither a remote, an address, nor an existing folder."""
    remotes = git(workspace, "remote").split()
    if source in remotes or "://" in source or re.match(r"^[\w.-]+@[\w.-]+:", source):
        return
    if source == "upstream":
        raise CourseError(
            "this course has no `upstream` remote, so the update does not know where the course "
            f"comes from: run `git remote add upstream {_course_address(workspace)}` once, then "
            "`mnist-course update` again (or give the address: `mnist-course update URL`)."
        )
    folder = Path(source).expanduser()
    if not folder.exists():
        known = ", ".join(remotes) or "none yet"
        raise CourseError(
            f"{source} is not a remote of this course (`git remote -v` lists them: {known}), and "
            f"the folder {folder} does not exist: give a remote, a URL, or a newer copy's folder."
        )


def _course_address(workspace: Workspace) -> str:
    from mnist_course.notebooks.build import repository_url

    try:
        return repository_url(workspace.root)
    except (OSError, ValueError, KeyError):
        return "URL-OF-THE-COURSE"


def check_ref(ref: str) -> None:
    """A branch, tag or commit name, nothing git could read as an option (`--upload-pack=...`
    would run a command)."""
    if ref.startswith("-") or not re.fullmatch(r"[\w][\w./-]*", ref) or ".." in ref:
        raise CourseError(
            f"--ref {ref!r} is not the name of a branch, tag or commit: give one such as main or "
            "v1.2 (`git ls-remote SOURCE` lists them). Nothing was changed."
        )


def fetch(workspace: Workspace, source: str, ref: str) -> None:
    try:
        git(workspace, "fetch", "--quiet", "--", source, ref)  # "--": neither is read as an option
    except GitFailed as failed:
        if "does not appear to be a git repository" in failed.reason:
            why = f"{source} is not a git repository (give a remote, a URL, or the folder of a git clone)"
        elif "couldn't find remote ref" in failed.reason:
            why = f"{source} has no branch or tag {ref} (`git ls-remote {source}` lists them; pick one with --ref)"
        else:
            why = f"{failed.reason} (check the address with `git remote -v`, and the connection)"
        raise CourseError(f"could not fetch the course from {source}: {why}. Nothing was changed.") from None


# The folders that hold only the course's own files: a file in one of them that the new course
# no longer has was moved or dropped upstream, and would otherwise linger (an old module beside
# its new home). Anywhere else a file missing upstream may be the learner's own, and stays.
COURSE_FOLDERS = ("mnist_course", "checks", "solutions", "tests", "bench", "docs", "graders", "notebooks",
                  "examples", "experiments")


def removed_upstream(workspace: Workspace) -> list[str]:
    """Tracked files in COURSE_FOLDERS that FETCH_HEAD does not have but the course once had
    (their content stays in the learner's last commit, so removing them loses nothing).

    A file the course's history never had is the learner's own (notes kept in docs/, a test
    of their own in tests/): it stays, wherever it is."""
    try:
        listed = git(workspace, "diff", "--name-only", "--no-renames", "--diff-filter=D", "-z",
                     "HEAD", "FETCH_HEAD", "--", *COURSE_FOLDERS)
    except GitFailed:  # no commit of the learner's yet: nothing of the course is tracked
        return []
    missing = sorted(filter(None, listed.split("\0")))
    if not missing:
        return []
    # Which of them the course ever had (a name that is a folder upstream lists its files too:
    # only exact names count).
    known = git(workspace, "--literal-pathspecs", "log", "--format=", "--name-only", "--no-renames", "-z",
                "FETCH_HEAD", "--", *missing)
    known_names = {name.strip("\n") for name in known.split("\0")}
    return [name for name in missing if name in known_names]


def yours_in_the_way(workspace: Workspace) -> list[str]:
    """The learner's files that taking FETCH_HEAD would replace or delete, relative to the course.

    Only files git does not track: tracked ones are clean (checked before) and their content
    is in a commit. Such a file is in the way when FETCH_HEAD brings a file of the same name
    (and other content), needs a folder where it is, or brings a file where it is a folder's.
    """
    tracked = set(git(workspace, "ls-files", "-z").split("\0"))
    incoming = {}
    for entry in filter(None, git(workspace, "ls-tree", "-r", "-z", "FETCH_HEAD").split("\0")):
        meta, name = entry.split("\t", 1)
        if not name.startswith("lessons/"):
            incoming[name] = meta.split()[2]
    root = workspace.root
    found = set()
    for name in incoming:
        parts = PurePosixPath(name).parts
        for depth in range(1, len(parts)):  # a file of theirs where a folder must go
            prefix = "/".join(parts[:depth])
            if (root / prefix).is_file() and prefix not in tracked:
                found.add(prefix)
        path = root / name
        if path.is_dir() and not path.is_symlink():  # a folder of theirs where a file must go
            found |= {
                inner.relative_to(root).as_posix() for inner in path.rglob("*")
                if inner.is_file() and inner.relative_to(root).as_posix() not in tracked
            }
        elif path.is_file() and not path.is_symlink() and name not in tracked:
            found.add(name)
    same = [name for name in sorted(found) if name in incoming]
    if same:  # a file identical to the incoming one loses nothing
        hashes = git(workspace, "hash-object", "--", *same).split()
        found -= {name for name, digest in zip(same, hashes) if digest == incoming[name]}
    return sorted(found)


def update(source: str = "upstream", ref: str = "main", console: Console | None = None) -> None:
    console = console or terminal.console(soft_wrap=True)
    workspace = Workspace.here()
    try:
        top = git(workspace, "rev-parse", "--show-toplevel").strip()
    except GitFailed:
        raise CourseError("this course folder is not a git repository, so it cannot be updated with git.") from None
    if Path(top).resolve() != workspace.root.resolve():
        raise CourseError(f"the course is inside another git repository ({top}): update it from there.")
    check_source(workspace, source)
    check_ref(ref)
    changed = git(workspace, "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)lessons")
    if changed.strip():
        first = changed.splitlines()[0][3:]
        raise CourseError(
            f"{first} (and maybe more) has changes that an update would replace: "
            "commit them (`git commit -am ...`) or put them aside (`git stash`) first."
        )
    before = {
        number: (workspace.stub_text(unit).encode("utf-8"), _read(workspace, unit))
        for number, unit in LESSONS.items()
    }
    fetch(workspace, source, ref)
    yours = yours_in_the_way(workspace)
    kept = backups.save_files(workspace, yours, f"mnist-course update from {source} {ref}") if yours else None
    gone = removed_upstream(workspace)
    if gone:  # before the checkout: where a file becomes a folder (or back), it is gone from git's index after it
        git(workspace, "--literal-pathspecs", "rm", "--quiet", "--", *gone)
    git(workspace, "checkout", "FETCH_HEAD", "--", ".", ":(exclude)lessons")
    console.print(f"Took the course files from {source} {ref}; lessons/ was not touched.", markup=False)
    if gone:
        console.print(
            f"Removed {len(gone)} course file(s) the new course no longer has (`git status` lists them; "
            "`git checkout HEAD -- NAME` brings one back before you commit).",
            markup=False,
        )
    if kept:
        shown = relative(kept, workspace.root)
        console.print(
            f"The update replaced files of yours that git does not track ({', '.join(yours)}): "
            f"they are kept, byte for byte, in {shown}/ (copy one back with `cp {shown}/NAME NEW-NAME`).",
            markup=False,
        )
    for number, unit in LESSONS.items():
        old_stub, current = before[number]
        if _read(workspace, unit) != current:  # pragma: no cover - the pathspec keeps lessons/ out
            raise CourseError(f"lessons/{unit.filename} changed during the update; see `mnist-course reset --list`.")
        try:
            new_stub = workspace.stub_text(unit).encode("utf-8")
        except CourseError:
            continue  # the lesson is gone upstream: the learner's file stays
        path = f"lessons/{unit.filename}"
        if current is None or current == old_stub:
            if current != new_stub:
                write_atomically(workspace.learner_file(unit), new_stub)
                console.print(f"{path}: you had not started it, so it is the new stub.", markup=False)
        elif new_stub != old_stub:
            backup = backups.save(workspace, unit, current)
            console.print(
                f"{path}: its stub changed upstream; your file is kept as it is (and backed up as "
                f"{backup.stamp}). `mnist-course reset {number}` gives the new stub; "
                f"`mnist-course reset {number} --restore {backup.stamp}` brings yours back.",
                markup=False,
            )
    console.print("Review with `git status`, then `git commit -am \"Course update\"`.", markup=False)


def _read(workspace: Workspace, unit) -> bytes | None:
    """The learner's file as bytes (None only when there is no file at all)."""
    path = workspace.learner_file(unit)
    return path.read_bytes() if path.is_file() else None
