"""Scratch submissions for the grading tests: honest ones, and ones that try to forge a grade.

Each forgery is what a tester tried against `mnist-course report` (issue 21); the tests grade
every submission from the pristine course (`--lessons DIR`) and expect exactly the points its
honest work deserves.
"""

from __future__ import annotations

import shutil
import tempfile
import textwrap
from contextlib import contextmanager
from pathlib import Path

from mnist_course.course import LESSONS
from mnist_course.course.stubs import expected_stubs

ROOT = Path(__file__).resolve().parents[1]

# Rewrites pytest's reports from inside the lesson: in the learner's own loop this turns every
# failure into a pass (about 20 lines, as the tester wrote it).
REPORT_FORGERY = '''
import _pytest.reports as _reports
import _pytest.runner as _runner

_original = _reports.TestReport.from_item_and_call


def _all_passed(item, call):
    report = _original(item, call)
    report.outcome = "passed"
    report.longrepr = None
    return report


_reports.TestReport.from_item_and_call = staticmethod(_all_passed)
_runner.TestReport.from_item_and_call = staticmethod(_all_passed)
'''

# Wrong functions, and the checks' judges replaced: expect() in every module that has it,
# abs, numpy.allclose and numpy.array_equal.
JUDGE_FORGERY = '''
import builtins as _builtins
import sys as _sys

import numpy as _np


def normalize(images):
    return images


def reshape_for_model(images, flatten=False):
    return images


def split_validation(x, y, val_fraction=0.1, seed=0):
    return x, x, y, y


def validate_shapes(x, y):
    return None


for _module in list(_sys.modules.values()):
    if getattr(_module, "expect", None) is not None and getattr(_module, "__name__", "") != __name__:
        try:
            _module.expect = lambda *args, **kwargs: None
        except Exception:
            pass
_np.allclose = lambda *args, **kwargs: True
_np.array_equal = lambda *args, **kwargs: True
_builtins.abs = lambda value: 0
'''

SEGFAULT = '''
import ctypes as _ctypes

_ctypes.string_at(0)  # reads address 0: the process dies of SIGSEGV
'''

# A process that leaves its worker's process group and session, twice forked, and lives on.
ESCAPE = '''
import subprocess as _subprocess
import sys as _sys

_subprocess.Popen(["sleep", "1000"], start_new_session=True)
_code = (
    "import os, time\\n"
    "os.setsid()\\n"
    "if os.fork():\\n"
    "    os._exit(0)\\n"
    "open({pids!r}, 'a').write(f'{{os.getpid()}}\\\\n')\\n"
    "time.sleep(1000)\\n"
)
_subprocess.Popen([_sys.executable, "-c", _code], close_fds=True)
'''

HARD_CODED_ACCURACY = '''

def accuracy(y_true, y_pred):
    return 9 / 13  # the value of the check's one fixed example
'''

TERMINAL_ATTACK = '''

def read_image(path):
    raise ValueError("\\x1b[2J\\x1b[H\\x1b]0;pwned\\x07 your screen is gone")
'''

FLOOD = '''
print("x" * 5_000_000)
_build_cnn = build_cnn


def build_cnn(*args, **kwargs):
    print("y" * 5_000_000)
    return _build_cnn(*args, **kwargs)
'''

# Files beside the lessons that would change the checks if the submission's tree were used.
SUBMISSION_TRAPS = {
    "conftest.py": REPORT_FORGERY,
    "lessons/conftest.py": REPORT_FORGERY,
    "pyproject.toml": '[tool.pytest.ini_options]\naddopts = "-p lessons.conftest"\n',
    "pytest.ini": "[pytest]\naddopts = -x\n",
}


def reference_text(number: str) -> str:
    return (ROOT / "solutions" / LESSONS[number].filename).read_text(encoding="utf-8")


def stub_texts() -> dict[str, str]:
    return {path.name: text for path, text in expected_stubs(ROOT).items()}


def make_submission(folder: Path, lessons: dict[str, str]) -> Path:
    """A submission's tree in `folder`: lessons/ with the given texts (by number), stubs for
    the others, and a checks/ of its own in which every check is an empty pass."""
    stubs = stub_texts()
    (folder / "lessons").mkdir(parents=True)
    for number, unit in LESSONS.items():
        text = lessons.get(number, stubs[unit.filename])
        (folder / "lessons" / unit.filename).write_text(text, encoding="utf-8")
        empty = folder / "checks" / f"lesson_{number}"
        empty.mkdir(parents=True)
        (empty / "test_forged.py").write_text("def test_everything():\n    pass\n")
    return folder


def forged_submission(folder: Path, pids: Path) -> Path:
    """Every forgery at once, each in its own lesson; its honest work is worth 30 points
    (lessons 04, 05 and 08, which are the reference plus a trick that must change nothing)."""
    stubs = stub_texts()
    lessons = {
        "01": stubs[LESSONS["01"].filename] + REPORT_FORGERY,
        "02": JUDGE_FORGERY,
        "03": reference_text("03") + SEGFAULT,
        "04": reference_text("04") + textwrap.dedent(ESCAPE.format(pids=str(pids))),
        "05": reference_text("05"),
        "06": reference_text("06") + HARD_CODED_ACCURACY,
        "07": reference_text("07") + TERMINAL_ATTACK,
        "08": reference_text("08") + FLOOD,
    }
    make_submission(folder, lessons)
    for name, text in SUBMISSION_TRAPS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


FORGED_POINTS = {"01": 0, "02": 0, "03": 0, "04": 10, "05": 10, "06": 0, "07": 0, "08": 10}


def copy_lessons(source: Path, folder: Path) -> Path:
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


@contextmanager
def open_folder(prefix: str):
    """A folder every user may pass through (0755), removed afterwards: graded as root, the
    learner's code runs as a user of its own, which cannot enter pytest's tmp_path (under
    pytest-of-USER, made private again by every pytest that starts, as the suite's do)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
