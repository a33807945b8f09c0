"""Generate the learner's stubs in `lessons/` from the reference code in `solutions/`.

In a solution module, the body the learner must write sits between two marker comments:

    def normalize(images):
        \"\"\"...the spec...\"\"\"
        # BEGIN SOLUTION
        return np.asarray(images, dtype=np.float32) / np.float32(255.0)
        # END SOLUTION

The generator replaces each block (markers included) with a `raise NotImplementedError`
whose message names the lesson, the function and the guide page. Everything outside the
blocks (imports, signatures, docstrings, constants) is copied unchanged, so the stub is
the same spec as the solution.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

from mnist_course.course import LESSONS, Lesson

BEGIN = "# BEGIN SOLUTION"
END = "# END SOLUTION"
STUB_PREFIX = "not implemented yet"


class StubError(ValueError):
    """A solution module whose markers cannot be turned into a stub."""


def stub_message(lesson: Lesson, function: str) -> str:
    return (
        f"{lesson.label} · {function}() is {STUB_PREFIX}: write it in lessons/{lesson.filename} "
        f"(its docstring is the spec; guide: docs/{lesson.page}; "
        f"a nudge: mnist-course hint {lesson.number} {function})"
    )


def _enclosing_functions(source: str) -> list[tuple[int, int, str]]:
    """(first line, last line, name) of every function, innermost listed last."""
    spans = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            spans.append((node.lineno, node.end_lineno, node.name))
    return sorted(spans, key=lambda span: (span[0], -span[1]))


def generate_stub(source: str, lesson: Lesson) -> str:
    """Return the stub version of one solution module's source."""
    lines = source.splitlines(keepends=True)
    functions = _enclosing_functions(source)
    out: list[str] = []
    block_start = None
    for number, line in enumerate(lines, start=1):
        marker = line.strip()
        if marker == BEGIN:
            if block_start is not None:
                raise StubError(f"{lesson.filename}:{number}: BEGIN SOLUTION inside another block")
            block_start = number
            indent = line[: len(line) - len(line.lstrip())]
            inside = [name for first, last, name in functions if first < number <= last]
            if not inside:
                raise StubError(f"{lesson.filename}:{number}: BEGIN SOLUTION outside a function")
            message = stub_message(lesson, inside[-1])
            out.append(f"{indent}raise NotImplementedError(\n{indent}    {message!r}\n{indent})\n")
        elif marker == END:
            if block_start is None:
                raise StubError(f"{lesson.filename}:{number}: END SOLUTION without BEGIN")
            block_start = None
        elif block_start is None:
            out.append(line)
    if block_start is not None:
        raise StubError(f"{lesson.filename}:{block_start}: BEGIN SOLUTION is never closed")
    return "".join(out)


def solution_functions(source: str) -> list[str]:
    """Names of the functions a learner has to write (those holding a solution block), in order."""
    functions = _enclosing_functions(source)
    names = []
    for number, line in enumerate(source.splitlines(), start=1):
        if line.strip() == BEGIN:
            inside = [name for first, last, name in functions if first < number <= last]
            if inside and inside[-1] not in names:
                names.append(inside[-1])
    return names


# A line and its end, as Python's parser counts lines: \r\n, \r or \n (not \f or \u2028).
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def function_sources(source: str) -> dict[str, str]:
    """The source of every top-level function in `source`, by name, from one parse (of a name
    defined twice, the last definition, which is the one Python keeps). Raises SyntaxError.

    What `ast.get_source_segment` gives, cut from the lines at once: it rebuilds lines a
    character at a time, which takes minutes for a file with a line a few megabytes long.
    The last few files parsed are remembered: a notebook asks for one function at a time.
    """
    return dict(_function_sources(source))


@functools.lru_cache(maxsize=16)
def _function_sources(source: str) -> tuple[tuple[str, str], ...]:
    found: dict[str, str] = {}
    lines: list[str] | None = None
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            lines = LINE.findall(source) if lines is None else lines
            segment = lines[node.lineno - 1: node.end_lineno]
            # The offsets count UTF-8 bytes; a top-level def starts at column 0.
            segment[-1] = segment[-1].encode("utf-8")[: node.end_col_offset].decode("utf-8")
            segment[0] = segment[0].encode("utf-8")[node.col_offset:].decode("utf-8")
            found[node.name] = "".join(segment)
    return tuple(found.items())


def function_source(source: str, name: str) -> str | None:
    """The source of top-level function `name` in `source` (see `function_sources`), or None."""
    return function_sources(source).get(name)


def expected_stubs(root: Path) -> dict[Path, str]:
    """Every lesson's stub path (in `lessons/`) mapped to the text the generator gives it."""
    stubs = {}
    for lesson in LESSONS.values():
        source = (root / "solutions" / lesson.filename).read_text(encoding="utf-8")
        stubs[root / "lessons" / lesson.filename] = generate_stub(source, lesson)
    return stubs



def main(argv: list[str] | None = None) -> int:
    """`python -m mnist_course.course.stubs [--check]`: regenerate lessons/, or check it is current."""
    import argparse

    from mnist_course.course import find_course_root

    parser = argparse.ArgumentParser(prog="python -m mnist_course.course.stubs", description=main.__doc__)
    parser.add_argument("--check", action="store_true", help="only report stale stubs; exit 1 if any")
    args = parser.parse_args(argv)
    stale = []
    for path, text in expected_stubs(find_course_root()).items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(path)
            if not args.check:
                path.parent.mkdir(exist_ok=True)
                path.write_text(text, encoding="utf-8")
    verb = "stale" if args.check else "written"
    for path in stale:
        print(f"{verb}: {path}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    raise SystemExit(main())
