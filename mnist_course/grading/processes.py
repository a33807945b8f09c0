"""The worker's limits and user, and the end of every process the learner's code started.

A worker runs in a session of its own (so one signal reaches its whole process group) with
limits on memory, CPU time, file size and core dumps, and inherits only the environment it
needs. Graded as root on Linux, it also runs as a user id of its own (`separate_user`,
`become_user`): then it can read what every user can and write only its own folder, and
`end_user` kills every process of that user when the grade is done. A learner's code can
still start a process that leaves the group (`setsid`, a double fork): the grader and
`mnist-course report` therefore become *child subreapers* (Linux), so such orphans are
re-parented to them instead of to init, and `end_descendants` finds and kills every one of
them when the grade is done.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import stat
import sys
import time
from pathlib import Path

MEMORY_LIMIT = 12 * 2**30  # address space: TensorFlow maps a few GB; a runaway array stops here
CPU_SECONDS = 900
FILE_SIZE = 1 * 2**30
# What a worker keeps of the grader's environment: enough for Python, NumPy, TensorFlow and
# the lesson (MNIST_PATH is set per call by the grader, as a check sets it).
KEPT_ENVIRONMENT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV", "PYTHONPATH",
                    "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "KERAS_BACKEND", "SYSTEMROOT")
PR_SET_CHILD_SUBREAPER = 36
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
QUIET = 0.2  # seconds without a new descendant before end_descendants believes it found all


# Set by `mnist-course report` when it grades as root: the user id its workers run as, one
# no account has, so the learner's code can reach none of the grade's files and processes.
WORKER_USER_ENV = "MNIST_COURSE_WORKER_UID"
WORKER_USERS = 0x5A000000  # the first of 2**20 user ids (no system hands out ids this high)
WORKER_TASKS = 2048  # processes and threads of a grade's user: TensorFlow starts dozens a worker
SHARED_TEMPORARY = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/var/lock")  # where any user may leave files
USER_LOCKS = Path("/run/mnist-course-users")  # root's: which of them a grade holds (claimed_user)
_CLAIMS: dict[int, int] = {}  # uid -> the locked file descriptor that holds it


def worker_environment(extra: dict[str, str], folder: str | None = None) -> dict[str, str]:
    """What a worker keeps of this environment, with `extra`; a worker of its own user
    (`worker_user`) gets its `folder` as home and for temporary files, the one place it may write."""
    env = {name: os.environ[name] for name in KEPT_ENVIRONMENT if name in os.environ}
    env.update(PYTHONDONTWRITEBYTECODE="1", TF_CPP_MIN_LOG_LEVEL="2", MPLBACKEND="Agg",
               PYTHONUNBUFFERED="1")
    if folder is not None and worker_user() is not None:
        env.update(HOME=folder, TMPDIR=folder)
    env.update(extra)
    return env


def limit_worker() -> None:
    """Run in the worker between fork and exec (POSIX only)."""
    for name, value in (("RLIMIT_AS", MEMORY_LIMIT), ("RLIMIT_CPU", CPU_SECONDS),
                        ("RLIMIT_FSIZE", FILE_SIZE), ("RLIMIT_CORE", 0)):
        _limit(name, value)


def limit_grader() -> None:
    """The checks' process, when grading, gets the workers' memory limit: it loads the models a
    lesson sends back, and a 30 KB .keras file whose config asks for a layer of 400,000 units
    took a probe's grader, running as root, to 10.5 GB before Keras found the weights wrong."""
    _limit("RLIMIT_AS", MEMORY_LIMIT)


def _limit(name: str, value: int, hard_too: bool = False) -> None:
    import resource

    limit = getattr(resource, name, None)
    if limit is None:
        return
    try:
        soft, hard = resource.getrlimit(limit)
        wanted = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(limit, (wanted, wanted if hard_too else hard))
    except (ValueError, OSError):
        pass


def _prctl(option: int, value: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def become_subreaper() -> bool:
    """Orphaned descendants become our children, so none escapes `end_descendants`."""
    return _prctl(PR_SET_CHILD_SUBREAPER, 1)


def hide_from_workers() -> None:
    """Make this process undumpable: a worker of the same user cannot open its /proc files
    (its pipes and its memory) to write a grade of its own."""
    _prctl(PR_SET_DUMPABLE, 0)


def descendants(pid: int | None = None) -> list[int]:
    """Every living descendant of `pid` (default: this process), read from /proc."""
    root = os.getpid() if pid is None else pid
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The name in parentheses may hold spaces or parentheses: split after the last ")".
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 1 and fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, queue = [], [root]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def end_descendants(pid: int | None = None, rounds: int = 200) -> None:
    """Kill every descendant, then reap those that are our children (the orphans we adopted
    as a subreaper).

    A process can fork while we look, and a chain that forks and exits at once changes pid
    faster than a look at /proc can follow. So each one found is first *stopped* (a stopped
    process forks no more), until looking finds nothing new, then all are killed. Our own
    children are read first each time (one short file, /proc/PID/task/*/children): an
    orphan of such a chain is always one of them, adopted by the subreaper."""
    root = os.getpid() if pid is None else pid
    for _ in range(5):  # a process killed in the middle of a fork still leaves its child: look again
        stopped: list[int] = []
        last_found = time.monotonic()
        for _ in range(rounds):
            found = [child for child in _children(root) if child not in stopped]
            found += [child for child in descendants(root) if child not in stopped and child not in found]
            for child in found:
                try:
                    os.kill(child, signal.SIGSTOP)
                except OSError:
                    pass
            stopped += found
            if found:
                last_found = time.monotonic()
            elif time.monotonic() - last_found > QUIET and all(map(_settled, stopped)):
                # Nothing new for a while, and every one has taken its stop (a SIGSTOP waits for a
                # process to be scheduled, and a fork under way ends first): all are stopped.
                break
        for child in stopped:
            try:
                os.kill(child, signal.SIGKILL)
            except OSError:
                pass
        _reap(stopped)  # those whose parent we killed are ours now
        if not stopped or not (_children(root) or descendants(root)):
            return


def _settled(pid: int) -> bool:
    """Stopped, ended or gone: a process that will fork no more before it is killed."""
    return _state(pid) in (None, "T", "t", "Z", "X")


def _state(pid: int) -> str | None:
    """The one-letter state of `pid` in /proc ("R", "S", "T", "Z" ...), None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            # The name in parentheses may hold spaces or parentheses: split after the last ")".
            return stat.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def _children(pid: int) -> list[int]:
    """The living children of `pid`, from the kernel's own list (empty where it has none)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir() if Path(f"/proc/{pid}/task").is_dir() else ():
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    living = []
    for child in dict.fromkeys(found):
        state = _state(child)
        if state is None:
            continue
        if state != "Z":
            living.append(child)
        elif pid == os.getpid():  # an orphan that ended: reaped, or the list grows with every fork
            try:
                os.waitpid(child, os.WNOHANG)
            except ChildProcessError:
                pass
    return living


def _reap(pids: list[int]) -> None:
    """Wait for the killed `pids` that are our children; never for a child someone else
    waits for (a `subprocess.Popen`'s), as waitpid(-1) would."""
    for child in pids:
        try:
            os.waitpid(child, 0)  # SIGKILLed: it is gone in a moment
        except (ChildProcessError, OSError):
            pass  # not our child: its own parent reaps it


def worker_user() -> int | None:
    """The user id this grade's workers run as, or None: they run as the grader does."""
    text = os.environ.get(WORKER_USER_ENV, "")
    return int(text) if text.isdigit() else None


def become_user(uid: int) -> None:
    """This process, for good, as `uid` (its group too, and no supplementary groups), which
    may run at most WORKER_TASKS processes and threads at once (a fork bomb stops there).
    Nothing it runs gains privileges: a setuid program runs as `uid` too."""
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    os.setgroups([])
    _limit("RLIMIT_NPROC", WORKER_TASKS, hard_too=True)
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


def as_user(uid: int, action) -> int:
    """Run `action()` in a child forked as `uid`: its return value (a small int) is the exit code."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            become_user(uid)
            code = int(action())
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def graded_as_root() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "geteuid") and os.geteuid() == 0


def separate_user(needed: list[Path], secret: list[Path] = ()) -> tuple[int | None, str]:
    """A user id for the workers, when this process can give them one: (uid, "") when it runs
    as root on Linux and that user can read everything in `needed` and nothing in `secret`;
    else (None, why not)."""
    if not sys.platform.startswith("linux") or not hasattr(os, "geteuid"):
        return None, "not Linux"
    if os.geteuid() != 0:
        return None, "not graded as root"
    uid = claimed_user()
    read, write = os.pipe()

    def probe() -> int:
        for path in needed:
            if not os.access(path, os.R_OK):
                os.write(write, os.fsencode(f"{path} cannot be read by another user"))
                return 1
        for path in secret:
            if os.access(path, os.R_OK):
                os.write(write, os.fsencode(f"{path} can be read by another user"))
                return 1
        return 0

    code = as_user(uid, probe)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        why = os.fsdecode(pipe.read())
    if code != 0:
        end_user(uid)
        return None, why or "another user cannot read a file it needs"
    return uid, ""


def claimed_user() -> int:
    """A worker user id that no other grade on this machine holds, until `end_user` gives it back.

    Grades that run side by side (an instructor grading a class in parallel) must not share
    one: a learner's worker could read another's files, and one grade's `end_user` would kill
    the other's workers. Each id is claimed with a lock on a file in a folder only root may
    write; a lock dies with its process, so a grade that crashed holds nothing, but what its
    workers left running is killed before the id is used again.

    Nor should grades one after another: a worker can leave a file no cleaning finds (a
    setuid copy of a shell in some folder anyone may write), through which anyone on the
    machine becomes its user, and so the next grade's worker if it had the same id (a probe
    read and rewrote another learner's submission while it was graded). The id is drawn at
    random from 2**20, so a later grade all but never has an earlier one's.
    """
    for uid in _drawn_users():
        claim = _lock(uid)
        if claim is False:
            continue  # another grade holds it
        if claim is None:  # no locks here: the process's own id, as likely as any to be free
            uid = WORKER_USERS + os.getpid() % 2**20
        else:
            _CLAIMS[uid] = claim
        _kill_every_process_of(uid)
        return uid
    raise OSError("every worker user id is taken by a grade")


def _drawn_users():
    """Worker user ids drawn at random (claimed_user)."""
    import secrets

    for _ in range(2**12):
        yield WORKER_USERS + secrets.randbelow(2**20)


def _lock(uid: int):
    """An open, locked file descriptor for `uid`; False if another grade holds it; None when
    this machine has no place for the locks (then the id is the process's own, unlocked)."""
    import fcntl

    try:
        USER_LOCKS.mkdir(mode=0o700, exist_ok=True)
        folder = os.lstat(USER_LOCKS)
        if not stat.S_ISDIR(folder.st_mode) or folder.st_uid != 0 or folder.st_mode & 0o022:
            return None  # not root's own folder: its locks prove nothing
        fd = os.open(USER_LOCKS / str(uid), os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return False
    return fd


def _kill_every_process_of(uid: int) -> None:
    as_user(uid, lambda: os.kill(-1, signal.SIGKILL) or 0)


def end_user(uid: int) -> None:
    """Kill every process running as `uid` (the workers, and whatever they started), delete
    what it left in the shared temporary folders, then give the id back for another grade
    (which may get the same id: it must find nothing of this one's)."""
    _kill_every_process_of(uid)
    for place in SHARED_TEMPORARY:
        _remove_files_of(uid, Path(place))
    claim = _CLAIMS.pop(uid, None)
    if claim is not None:
        with contextlib.suppress(OSError):  # one lock file per grade otherwise: ids are not reused
            os.unlink(USER_LOCKS / str(uid))
        os.close(claim)


def _remove_files_of(uid: int, folder: Path) -> None:
    """Delete everything `uid` owns in `folder`, and in the folders there anyone may write to
    (the only other places it could create files in)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if info.st_uid == uid:
            if stat.S_ISDIR(info.st_mode):
                shutil.rmtree(entry.path, ignore_errors=True)  # never follows a link
            else:
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass
        elif stat.S_ISDIR(info.st_mode) and info.st_mode & 0o002:
            _remove_files_of(uid, Path(entry.path))
