"""What one failed learner check means, decided once and written once.

A check fails for one of a few reasons, and each deserves its own words:

- `expectation`: the check's `expect(...)` saw something other than the spec;
- `stub`: the function is still the generated stub;
- `import`: the lesson file could not even be imported (syntax error, code at import);
- `exit`: the learner's code tried to end the program (`sys.exit`, `exit()`, `os._exit`);
- `raised`: the learner's own code raised an exception;
- `unusable`: the learner's function returned, but what it returned broke the check (a
  wrong number of values to unpack, a Keras error while fitting the returned model...);
- `timeout`: a check did not finish within its lesson's time limit (decided by the
  companion's runner, which watches the clock from outside the checks).

`classify` turns a pytest failure into a `CheckOutcome`, and `CheckOutcome.render` is the one
place its teaching message is written; the pytest report, `progress`, `watch` and
`compare` all show that text.
"""

from __future__ import annotations

import math
import re
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

from mnist_course.course import LESSONS, Lesson
from mnist_course.check_support.safe_text import printable
from mnist_course.course.stubs import STUB_PREFIX


OUTCOME_KEY = "mnist_course_outcome"  # where a report's user_properties carry its CheckOutcome


class LessonImportError(Exception):
    """The learner's lesson file could not even be imported."""


class LearnerExit(Exception):
    """The learner's code called `os._exit()`, which would end the checks without a word."""

    def __init__(self, status):
        super().__init__(f"os._exit({status!r})")
        self.status = status


class LearnerInterrupt(Exception):
    """The learner's code raised KeyboardInterrupt itself: no Ctrl-C was pressed, so the checks
    tell it as the learner's mistake instead of stopping (pytest_plugin)."""


@dataclass(frozen=True)
class Frame:
    """One line of the learner's own code in a traceback."""

    file: str  # as the learner knows it: lessons/lesson_02_prepare.py
    line: int
    function: str
    text: str


@dataclass(frozen=True)
class CheckOutcome:
    kind: str  # "expectation", "stub", "import", "exit", "raised", "unusable" or "timeout"
    lesson: Lesson
    function: str | None  # the learner's function the failure is about, when known
    expected: str = ""
    seen: str = ""
    hint: str | None = None
    frames: tuple[Frame, ...] = field(default_factory=tuple)
    picture: str | None = None  # a PNG of the failing input beside what was expected

    @property
    def stub(self) -> bool:
        return self.kind == "stub"

    def body(self) -> list[str]:
        """What happened, without the header and the pointers: the lines `progress` quotes.

        Learner text in them (an exception's message) has its control characters escaped.
        """
        return [printable(line) for line in self._body()]

    def _body(self) -> list[str]:
        if self.kind == "stub":
            return [f"{self.function}() is not implemented yet."]
        if self.kind == "import":
            return [self.seen]
        lines = []
        if self.kind in ("expectation", "timeout"):
            lines += [f"expected: {self.expected}", f"seen:     {self.seen}"]
        else:
            lines.append(self.seen)
            for frame in self.frames[-3:]:
                lines.append(f"  {frame.file}:{frame.line} in {frame.function}")
                if frame.text:
                    lines.append(f"      {frame.text}")
        if self.picture:
            lines.append(f"picture:  {self.picture}")
        if self.hint:
            lines.append(f"hint:     {self.hint}")
        return lines

    def render(self, shown_folder: str = "lessons", nudge: str | None = None) -> str:
        """The teaching message: lesson, function, what happened, what to try.

        `shown_folder` is the implementation folder as the learner knows it (`lessons`).
        No control character from the learner's code reaches the terminal (`safe_text`).
        """
        return printable(self._render(shown_folder, nudge))

    def _render(self, shown_folder: str, nudge: str | None) -> str:
        unit = self.lesson
        if self.kind == "stub":
            lines = [
                f"{unit.label} · {self.function}() is not implemented yet.",
                f"  Write it in {shown_folder}/{unit.filename}: its docstring is the spec.",
                f"  Guide: docs/{unit.page}",
            ]
            if nudge:
                lines.append(f"  Nudge: {nudge}")
            lines.append(f"  More hints: mnist-course hint {unit.number} {self.function}")
            return "\n".join(lines)
        if self.kind == "import":
            that = "that line" if re.search(r"\bline \d+", self.seen) else "that"
            return f"{unit.label}\n  {self.seen}\n  Fix {that}, save, and run the check again."
        name = f"{self.function}()" if self.function else "your lesson file"
        if self.kind == "timeout":
            name = f"{self.function}() did not return" if self.function else "a check did not finish"
        stuck = f"  stuck?    docs/{unit.page} · mnist-course hint {unit.number}"
        stuck += f" {self.function}" if self.function else ""
        return "\n".join([f"{unit.label} · {name}", *(f"  {line}" for line in self.body()), stuck])

    def to_json(self) -> dict:
        """A plain dict (for the companion's JSON events); `from_json` reads it back."""
        data = asdict(self)
        data["lesson"] = self.lesson.number
        return data

    @classmethod
    def from_json(cls, data: dict) -> "CheckOutcome":
        frames = tuple(Frame(**frame) for frame in data.get("frames", ()))
        return cls(**{**data, "lesson": LESSONS[data["lesson"]], "frames": frames})


ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# OpenCV's C++ names for the functions a learner calls from Python.
CV_FUNCTIONS = {"pointSetBoundingRect": "boundingRect"}
CV_TYPES = {"CV_8U": "uint8", "CV_8S": "int8", "CV_16U": "uint16", "CV_16S": "int16",
            "CV_32S": "int32", "CV_32F": "float32", "CV_64F": "float64"}


def _cv_type(name: str) -> str:
    return CV_TYPES.get(re.sub(r"C\d+$", "", name), name)


def library_words(error: BaseException) -> str | None:
    """One teaching line for a common error of OpenCV, NumPy or Keras (what was passed, what
    the function wants), or None when the error's own words are the clearest.

    Their raw messages are C++ assertions (`(-215:Assertion failed) npoints >= 0 && ...`),
    NumPy's "inhomogeneous shape" or a Keras page with colour codes inside.
    """
    text = ANSI.sub("", str(error))
    if type(error).__module__.split(".")[0] == "cv2":
        called = re.search(r"in function '(?:[^']*::)?(\w+)(?:\(|')", text)
        name = "findContours" if "ContourScanner" in text else called.group(1) if called else None
        function = f"cv2.{CV_FUNCTIONS.get(name, name)}()" if name else "an OpenCV function"
        given = re.search(r"is \d+ \((CV_\w+)\)", text)
        wanted = re.search(r"expected: '\w+\.type\(\) == (CV_\w+)'", text)
        if given or wanted:
            return (f"{function} was given an image of {_cv_type(given.group(1)) if given else 'another'} "
                    f"numbers, but wants {_cv_type(wanted.group(1)) if wanted else 'another type'}: "
                    f"convert it first, e.g. image.astype(np.uint8)")
        if "depth ==" in text or "CV_8U" in text or "func != 0" in text:
            wants = " or ".join(dict.fromkeys(_cv_type(t) for t in re.findall(r"CV_\d+[SUF]", text)))
            return (f"{function} was given an array of a number type it cannot read (a bool mask "
                    f"or float64, for instance); it wants {wants or 'uint8'} numbers, or a uint8 "
                    "image: convert first, e.g. mask.astype(np.uint8)")
        condition = re.search(r"\(-\d+:[^)]*\) (.*?) in function", text)
        return f"{function} refused its input" + (f" (it requires {condition.group(1)})" if condition else "")
    if isinstance(error, ValueError) and "inhomogeneous shape" in text:
        pieces = re.search(r"detected shape was \(([^)]*?),?\)", text)
        count = f"{pieces.group(1).split(',')[-1].strip()} pieces" if pieces else "pieces"
        return (f"NumPy was asked to make one array from {count} that are not all the same shape "
                "(rows or images of different sizes): an array is rectangular, so give every "
                "piece the same shape first (print each piece's len() or .shape to find the odd one)")
    reshape = re.search(r"cannot reshape array of size (\d+) into shape \(1,([\d, ]+)\)", text)
    if reshape:
        size, shape = int(reshape.group(1)), [int(d) for d in reshape.group(2).split(",") if d.strip()]
        count = size // math.prod(shape) if shape and size % math.prod(shape) == 0 else 0
        if count > 1:
            return (f"cannot reshape an array of size {size} into shape (1, {', '.join(map(str, shape))}): "
                    f"that is a batch of {count} images, not one. Let NumPy count them: "
                    f"reshape((-1, {', '.join(map(str, shape))})), -1 standing for the number of images")
    if "Invalid input shape" in text or "is incompatible with the layer" in text:
        shapes = re.search(r"Expected shape (\([^)]*\)), but input has incompatible shape (\([^)]*\))", text)
        if shapes:
            wanted, given = shapes.groups()
            return f"the model was given an array of shape {given}, but wants {wanted}{_shape_advice(wanted, given)}"
        bold = re.search(r"\x1b\[1m(.*?)\x1b\[0m", str(error), re.DOTALL)
        return f"the model could not take this input: {(bold.group(1) if bold else text).strip().splitlines()[0]}"
    unknown = re.search(r"Argument\(s\) not recognized: \{(.*)\}", text)
    if unknown:
        names = re.findall(r"'(\w+)':", unknown.group(1))
        if "lr" in names:
            return ("Keras' optimizers take learning_rate=, not lr= (the name older Keras versions and "
                    "many tutorials use): keras.optimizers.Adam(learning_rate=learning_rate)")
        return (f"Keras does not know the argument(s) {', '.join(names) or unknown.group(1)}: check "
                "their names in the docstring (or Keras' documentation)")
    if "Expected `metrics` argument to be a list" in text:
        return "metrics takes a list of metrics, even for one: metrics=[\"accuracy\"]"
    if "Cannot take the length of shape with unknown rank" in text:
        # What a model's predict says of one image handed over without its batch axis.
        return ("the model could not read its input as a batch of images: model.predict takes a batch, "
                "so one (28, 28) image goes in as image[np.newaxis], shape (1, 28, 28)")
    return None


def _shape_advice(wanted: str, given: str) -> str:
    """What to do when a model wants `wanted`, e.g. '(None, 784)', and got `given`."""
    if not wanted.startswith("(None"):
        return ""
    def dims(shape: str) -> list[int | None]:
        return [int(d) if d.strip().isdigit() else None for d in shape.strip("()").split(",") if d.strip()]

    per_image, got = dims(wanted)[1:], dims(given)
    known = None not in per_image and None not in got
    if known and len(got) > 1 and got[1:] != per_image and math.prod(got[1:]) == math.prod(per_image):
        # A batch axis is there; each image has the wrong shape for this model.
        return (f" (the batch axis is there; each image must have the model's own shape: "
                f"reshape to (-1,) + model.input_shape[1:], here (-1, {', '.join(map(str, per_image))}))")
    return " (None is the number of images: for one image, give image[np.newaxis])"


def error_words(error: BaseException, limit: int = 200) -> str:
    """'ValueError: ...' in one line for a check's 'seen:': `library_words` when it knows the
    error, else its message's main line (a Keras message's bold line, not its header)."""
    words = library_words(error)
    if not words:
        bold = re.search(r"\x1b\[1m(.*?)\x1b\[0m", str(error), re.DOTALL)
        lines = ANSI.sub("", bold.group(1) if bold else str(error)).strip().splitlines()
        words = (lines[0] if lines else "")[:limit]
    return f"{type(error).__name__}: {words}"


# What to try when the learner's own line raised, by the kind of error (the most specific
# kind in the error's ancestry wins); anything else gets the spec.
RAISED_HINTS = {
    NameError: "a name is used that Python does not know there: check its spelling, and that "
    "it is defined or imported (import numpy as np) before that line.",
    AttributeError: "that value has no such attribute or method: check the spelling, and what "
    "the value is (print(type(value)): a list has no .shape, a NumPy array no .append).",
    IndexError: "an index past the end: print the array's .shape (or the list's len()) just "
    "before that line, and compare it with the shapes in the docstring.",
    KeyError: "that key is not in the dictionary: print its keys (print(d.keys())) and compare "
    "the spelling.",
    TypeError: "a value of the wrong type, or a call with the wrong arguments, on that line: "
    "check what each value is (print(type(value))) and what the function you call takes "
    "(help(function) shows it).",
    ValueError: "a value or shape that does not fit on that line: print the .shape (and .dtype) "
    "of the arrays it uses, and compare them with the docstring.",
    ZeroDivisionError: "a division by zero on that line: which count or total can be 0 there?",
    RecursionError: "the function calls itself without end: call the library's function, not "
    "your own by the same name.",
}
RAISED_SPEC = "read the line above and the function's docstring (the spec)."


# What to try for library errors a beginner meets in these lessons, known by their words
# (a regular expression searched in the message); they come before the hints by kind.
RAISED_PATTERNS = [
    (r"Cannot cast ufunc .*same_kind",  # images /= 255 on uint8
     "an in-place operation (images /= 255) must keep the array's dtype, and uint8 holds only "
     "whole numbers: images = images / 255.0 makes a new float array (and leaves the caller's "
     "as it was)."),
    (r"num must be an integer with 1 <= num <= \d+",  # plt.subplot(5, 5, i) with n > 25
     "plt.subplot(rows, columns, i) takes i from 1 to rows * columns: work the grid out from n, "
     "columns = ceil(sqrt(n)), rows = ceil(n / columns), instead of a fixed 5 x 5."),
    (r"'numpy\.ndarray' object has no attribute '(imshow|set_title|axis|plot|bar)'",
     "plt.subplots(rows, columns) gives a 2-D array of axes: loop over np.ravel(axes) (or "
     "axes.flat) to get one axes at a time."),
    (r"cannot reshape array of size \d+ into shape \(\d{3,}",
     "a number of images typed in: use len(images), or -1 to let NumPy work it out, e.g. "
     "images.reshape(len(images), -1)."),
    (r"Stratified train/test split is not implemented for shuffle=False",
     "a stratified split has to shuffle: leave shuffle at its default and pass random_state=seed "
     "for a split that is the same every time."),
]


def raised_hint(error: BaseException) -> str:
    """The second line for an error the learner's own code raised: what to try for its kind."""
    for pattern, hint in RAISED_PATTERNS:
        if re.search(pattern, str(error)):
            return hint
    for kind in type(error).__mro__:
        if kind in RAISED_HINTS:
            return RAISED_HINTS[kind]
    return RAISED_SPEC


def short(text: str, limit: int = 600) -> str:
    """At most six lines and `limit` characters of an error message (Keras' can be pages)."""
    text = ANSI.sub("", str(text)).strip()
    lines = text.splitlines()
    if len(lines) > 6:
        text = "\n".join(lines[:6]) + "\n    ..."
    return text if len(text) <= limit else text[:limit] + " ..."


def frames_in(tb, folder: Path, shown: str) -> tuple[Frame, ...]:
    """The traceback frames that run code in `folder`, its files shown as `shown/<name>`.

    For the learner's frames, decided by folder, not file name, so an error inside the
    reference (`solutions/`) used for an earlier lesson's input is never blamed on them.
    """
    folder = Path(folder).resolve()
    return tuple(
        Frame(f"{shown}/{Path(frame.filename).name}", frame.lineno, frame.name, (frame.line or "").strip())
        for frame in traceback.extract_tb(tb)
        if Path(frame.filename).resolve().parent == folder
    )


def named_function(names: list[str]) -> str | None:
    """The innermost of `names` (a stack's function names, outermost first) a learner wrote as a
    `def`; None when the code runs at the top level of the file.

    Python names the other frames `<module>`, `<lambda>`, `<listcomp>`, `<genexpr>`: none is a
    function to ask a hint for, and `mnist-course hint 03 <module>` is a redirect to a shell.
    """
    return next((name for name in reversed(names) if not name.startswith("<")), None)


def _exit_words(error: BaseException) -> str:
    if isinstance(error, LearnerExit):
        return error.args[0]
    code = getattr(error, "code", None)
    return "sys.exit()" if code is None else f"sys.exit({code!r})"


def classify(
    error: BaseException,
    tb,
    unit: Lesson,
    impl: Path,
    shown: str = "lessons",
    suspects: tuple[str, ...] = (),
    check_file: Path | None = None,
) -> CheckOutcome:
    """Decide what a failed check of lesson `unit` means for the learner.

    `impl` is the folder of lesson modules being checked, `shown` its name for the learner.
    `suspects` are the learner functions the check uses, most likely first: the function to
    name when the failure happened outside the learner's own lines. `check_file` is the
    check's own file, whose failing line is shown when the learner's result broke it.
    """
    from mnist_course.check_support.toolkit import CheckFailure  # NumPy: only in the checks' process

    if isinstance(error, CheckFailure):
        return CheckOutcome(
            "expectation", unit, error.function, error.expected, error.seen, error.hint,
            picture=getattr(error, "picture", None),
        )
    if isinstance(error, LessonImportError):
        return CheckOutcome("import", unit, None, seen=str(error))
    # When grading, the learner's code ran in a worker, which sent its frames with the error.
    frames = tuple(getattr(error, "learner_frames", ())) or frames_in(tb, impl, shown)
    if type(error).__name__ == "CallTimedOut":  # grading: a call ran out of time (remote.py)
        from mnist_course.companion.runner import TimeLimit, time_limit_outcome

        return time_limit_outcome(unit, TimeLimit(
            f"{check_file.name if check_file else ''}::{error.function}",
            named_function([error.stuck_in]) if error.stuck_in else error.function,
            error.where, error.seconds))
    if type(error).__name__ == "WorkerFailed":
        function = suspects[0] if suspects else None
        return CheckOutcome(
            "raised", unit, function, seen=str(error),
            hint="run this lesson's checks yourself (pytest " + unit.checks + ") to see it happen.",
        )
    function = named_function([frame.function for frame in frames]) if frames else (suspects[0] if suspects else None)
    if isinstance(error, NotImplementedError) and STUB_PREFIX in str(error):
        return CheckOutcome("stub", unit, function, frames=frames)
    if isinstance(error, (SystemExit, LearnerExit)):
        return CheckOutcome(
            "exit", unit, function,
            seen=f"your code called {_exit_words(error)}, which ends the whole program: "
            "the checks could not see a result.",
            hint="a function hands its answer back with `return`; remove the exit call "
            "(to try code by hand, put it under `if __name__ == \"__main__\":`).",
            frames=frames,
        )
    if isinstance(error, LearnerInterrupt):
        return CheckOutcome(
            "raised", unit, function,
            seen="your code raised KeyboardInterrupt, which is what pressing Ctrl-C raises: it stops "
            "the whole program, so the checks could not see a result.",
            hint="to say that an input is wrong, raise an error such as ValueError(\"...\"); to "
            "hand back a result, use `return`.",
            frames=frames,
        )
    words = library_words(error)
    if words:
        origin = type(error).__module__.split(".")[0]
        words = f"{'' if origin == 'builtins' else origin + '.'}{type(error).__name__}: {words}"
    if frames:
        return CheckOutcome(
            "raised", unit, function,
            seen=f"your code raised {words or f'{type(error).__name__}: {short(error)}'}",
            hint=raised_hint(error),
            frames=frames,
        )
    return CheckOutcome(
        "unusable", unit, function,
        seen=f"{function or 'your function'}() returned, but the check could not use what it "
        f"returned: {words or f'{type(error).__name__}: {short(error)}'}",
        hint="compare what you return (how many values, their types and shapes) with the "
        "Returns section of the docstring.",
        frames=frames_in(tb, check_file.parent, f"checks/{check_file.parent.name}")[-1:] if check_file else (),
    )
