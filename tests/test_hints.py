"""Hints that are right: every function has three levels, and the APIs level 3 names in
`backticks` are ones the reference solution of that function really uses.

So a hint cannot drift from the code again (a level 3 that said to check `y_train` while the
check tested `y_test`, or that names a call the reference no longer makes).
"""

from __future__ import annotations

import ast
import builtins
import keyword
import re

import pytest

from mnist_course.course import LESSONS
from mnist_course.course.hints import load_hints
from mnist_course.course.stubs import function_source, solution_functions

from conftest import ROOT

CODE = re.compile(r"`([^`]+)`")
CALLED = re.compile(r"(?<![\w'\"])\.?([A-Za-z_]\w*)\s*\(")  # name( or .name(
ATTRIBUTE = re.compile(r"(?<=[\w\])])\.([A-Za-z_]\w*)")  # thing.attribute
STRING = re.compile(r"'[^']*'|\"[^\"]*\"")
KEYWORDS = set(keyword.kwlist)  # `except (...)`, `if (...)`: syntax, not calls


def functions() -> list[tuple[str, str]]:
    found = []
    for number, unit in LESSONS.items():
        source = (ROOT / "solutions" / unit.filename).read_text(encoding="utf-8")
        found += [(number, name) for name in solution_functions(source)]
    return found


def named_apis(hint: str) -> set[str]:
    """The calls and attributes a hint's `code` names: np.argmax(...) -> {'np', 'argmax'}..."""
    names = set()
    for snippet in CODE.findall(hint):
        code = STRING.sub("''", snippet)
        names |= set(CALLED.findall(code)) | set(ATTRIBUTE.findall(code))
        names |= {match.split(".")[0] for match in re.findall(r"\b[A-Za-z_]\w*\.[A-Za-z_]", code)}
    return {name for name in names if name not in KEYWORDS}


def used_names(source: str) -> set[str]:
    """Every identifier the function's code uses: names, attributes, called functions."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
    return names


def cases():
    # Lesson 07's hints are being rewritten with its new steps on another branch; they pass
    # here today, so no case is marked: after the merge this test checks the new ones too.
    for number, name in functions():
        yield pytest.param(number, name, id=f"{number}-{name}")


def test_the_api_reader_finds_calls_and_attributes():
    hint = "`pairs.sort_values('count', ascending=False).head(k)`; `frame.index = pd.RangeIndex(1)`"
    assert named_apis(hint) == {"pairs", "sort_values", "head", "frame", "index", "pd", "RangeIndex"}
    assert named_apis("`except (OSError, ValueError) as error:` `if (a):`") == set()


@pytest.mark.parametrize("number, name", cases())
def test_level_three_names_what_the_reference_uses(number, name):
    unit = LESSONS[number]
    levels = load_hints(ROOT).get(f"lesson_{number}", {}).get(name, {}).get("levels", [])
    assert len(levels) == 3, f"hints.toml [lesson_{number}.{name}] needs three levels"
    module = (ROOT / "solutions" / unit.filename).read_text(encoding="utf-8")
    used = used_names(function_source(module, name)) | set(dir(builtins))
    named = named_apis(levels[2])
    assert named, f"level 3 of {name} names no API in `backticks`"
    stray = sorted(named - used)
    assert not stray, (
        f"level 3 of hint {number} {name} names {stray}, which the reference solution of "
        f"{name}() does not use: make the hint match solutions/{unit.filename}"
    )
