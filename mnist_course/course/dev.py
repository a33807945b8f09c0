"""`python -m mnist_course.course.dev check`: the maintainer's one command that the course agrees with itself.

Like rustlings' `dev check`, it runs every consistency rule at once and lists every problem:

- the lesson catalogue (`mnist_course.course.LESSONS`) against the files: each lesson has its
  reference module, its stub, its checks folder and its guide page, and nothing else does;
- the stubs in `lessons/` and the notebooks in `notebooks/` are exactly what the course
  generates from `solutions/`;
- every function a learner writes has three hint levels in `hints.toml`, and no hint names
  a function that does not exist;
- the site's navigation (`mkdocs.yml`) and the README's lesson table list the catalogue's
  lessons, in order, with the functions the learner writes;
- the mistakes catalogue (`tests/mistakes/`) is complete: each mistake says what the learner
  did, the hint its failure shows, and a check of its own lesson that catches it;
- the lesson functions the tools call (`mnist_course/course/contract.py`) exist, and no tool calls
  one that is not declared there;
- every time or accuracy the README and the guide quote is the latest benchmark's
  (`mnist_course/course/quoted_figures.py`);
- no file of the course uses a module's old name (`mnist_course/moved.py` keeps old names
  importable for learners' own files, not for ours).

Exit code 0 when all agree, 1 otherwise. `tests/test_dev_check.py` runs it.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

from mnist_course.course import LESSONS, Lesson, find_course_root, quoted_figures
from mnist_course.course.contract import TOOLS_CALL, declared
from mnist_course.course.hints import load_hints
from mnist_course.course.stubs import expected_stubs, solution_functions
from mnist_course.moved import MOVED

MISTAKES = Path("tests") / "mistakes"
HINT_LEVELS = 3


def learner_functions(root: Path, unit: Lesson) -> list[str]:
    """The functions a learner writes in `unit`, in the order of its reference module."""
    return solution_functions((root / "solutions" / unit.filename).read_text(encoding="utf-8"))


def check_catalogue(root: Path) -> list[str]:
    problems = []
    for unit in LESSONS.values():
        for path in (f"solutions/{unit.filename}", f"lessons/{unit.filename}", unit.checks, f"docs/{unit.page}"):
            if not (root / path).exists():
                problems.append(f"lesson {unit.number}: {path} is missing")
    known = {unit.filename for unit in LESSONS.values()}
    for folder in ("solutions", "lessons"):
        for path in sorted((root / folder).glob("lesson_*.py")):
            if path.name not in known:
                problems.append(f"{folder}/{path.name} is not in the lesson catalogue")
    for path in sorted((root / "checks").glob("lesson_*")):
        if path.is_dir() and f"checks/{path.name}" not in {unit.checks for unit in LESSONS.values()}:
            problems.append(f"checks/{path.name} is not in the lesson catalogue")
    return problems


def check_stubs(root: Path) -> list[str]:
    return [
        f"{path.relative_to(root)} is not what solutions/ generates: run `python -m mnist_course.course.stubs`"
        for path, text in expected_stubs(root).items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]


def check_notebooks(root: Path) -> list[str]:
    from mnist_course.notebooks.build import expected_notebooks

    return [
        f"{path.relative_to(root)} is not what the course generates: run `python -m mnist_course.notebooks.build`"
        for path, text in expected_notebooks(root).items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]


def check_hints(root: Path) -> list[str]:
    problems = []
    hints = load_hints(root)
    for unit in LESSONS.values():
        functions = learner_functions(root, unit)
        table = hints.get(f"lesson_{unit.number}", {})
        for name in functions:
            levels = table.get(name, {}).get("levels", [])
            if len(levels) != HINT_LEVELS or not all(str(level).strip() for level in levels):
                problems.append(f"hints.toml: [lesson_{unit.number}.{name}] needs {HINT_LEVELS} levels")
        for name in sorted(set(table) - set(functions)):
            problems.append(f"hints.toml: [lesson_{unit.number}.{name}] names no function of the lesson")
    for key in sorted(set(hints) - {f"lesson_{number}" for number in LESSONS}):
        problems.append(f"hints.toml: [{key}] is not a lesson")
    return problems


def nav_pages(mkdocs_yml: str) -> list[tuple[str, str]]:
    """(title, page) of every lesson page in the nav, in order (`NN · Title: lessons/...`)."""
    return re.findall(r"^\s*- (\d\d · [^:]+): (lessons/\S+\.md)\s*$", mkdocs_yml, re.M)


def check_nav(root: Path) -> list[str]:
    found = nav_pages((root / "mkdocs.yml").read_text(encoding="utf-8"))
    wanted = [(f"{unit.number} · {unit.title}", unit.page) for unit in LESSONS.values()]
    if found == wanted:
        return []
    return [f"mkdocs.yml nav lists the lessons {found}, the catalogue says {wanted}"]


def readme_rows(readme: str) -> list[tuple[str, str, str]]:
    """(lesson, functions, check command) of each row of the README's lesson table."""
    return re.findall(r"^\| (\d\d [^|]+?) \| ([^|]*?) \| `(pytest checks/lesson_\d\d)` \|$", readme, re.M)


def readme_row(root: Path, unit: Lesson) -> tuple[str, str, str]:
    functions = ", ".join(f"`{name}`" for name in learner_functions(root, unit))
    return (f"{unit.number} {unit.title}", functions, f"pytest {unit.checks}")


def check_readme(root: Path) -> list[str]:
    found = readme_rows((root / "README.md").read_text(encoding="utf-8"))
    wanted = [readme_row(root, unit) for unit in LESSONS.values()]
    if found == wanted:
        return []
    lines = ["README.md's lesson table disagrees with the catalogue; it should read:"]
    lines += [f"    | {lesson} | {functions} | `{command}` |" for lesson, functions, command in wanted]
    return ["\n".join(lines)]


def mistake_facts(path: Path) -> dict:
    """A catalogued mistake's docstring, `CAUGHT_BY` and `HINT`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    facts = {"doc": ast.get_docstring(tree)}
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") in {"CAUGHT_BY", "HINT"}:
            facts[node.targets[0].id] = ast.literal_eval(node.value)
    return facts


def check_names(root: Path, unit: Lesson) -> set[str]:
    """The names of the checks (test functions) of one lesson."""
    names = set()
    for path in (root / unit.checks).glob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names |= {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    return names


def lesson_of_mistake(path: Path) -> Lesson | None:
    return next((unit for unit in LESSONS.values() if unit.module == path.parent.name), None)


def check_mistakes(root: Path) -> list[str]:
    problems = []
    for path in sorted((root / MISTAKES).glob("*/*.py")):
        name = f"{MISTAKES / path.parent.name / path.name}"
        unit = lesson_of_mistake(path)
        if unit is None:
            problems.append(f"{name}: its folder is not named after a lesson module")
            continue
        facts = mistake_facts(path)
        if not facts["doc"]:
            problems.append(f"{name}: say in a docstring what the learner did")
        if not facts.get("HINT"):
            problems.append(f"{name}: HINT (words its failure must show) is missing")
        if facts.get("CAUGHT_BY") not in check_names(root, unit):
            problems.append(f"{name}: CAUGHT_BY {facts.get('CAUGHT_BY')!r} is not a check of lesson {unit.number}")
    return problems


# A tool's lookup of a lesson function: `.function("02", "normalize")`.
LOOKUP = re.compile(r"""\.function\(\s*["'](\d\d)["']\s*,\s*["'](\w+)["']""")
TOOL_SOURCES = ("mnist_course", "docs", "bench")


def check_contract(root: Path) -> list[str]:
    problems = []
    for number, names in TOOLS_CALL.items():
        written = learner_functions(root, LESSONS[number])
        for name in names:
            if name not in written:
                problems.append(
                    f"mnist_course/course/contract.py: the tools call {name}() of lesson {number}, "
                    f"which solutions/{LESSONS[number].filename} does not have the learner write"
                )
    for folder in TOOL_SOURCES:
        for path in sorted((root / folder).rglob("*.py")):
            for number, name in LOOKUP.findall(path.read_text(encoding="utf-8")):
                if not declared(number, name):
                    problems.append(
                        f"{path.relative_to(root)} calls {name}() of lesson {number}, which "
                        "mnist_course/course/contract.py does not declare"
                    )
    return problems


# The course's own files, which must use the modules' new names; the table and its test are
# the two places an old name is meant to be.
OWN_FILES = ("mnist_course", "solutions", "lessons", "checks", "tests", "docs", "bench", "graders",
             "notebooks", "experiments", "examples", ".github", "mkdocs.yml", "pyproject.toml",
             "CONTRIBUTING.md", "README.md", "bootstrap.py", "hints.toml")
OLD_NAMES_KEPT = {"mnist_course/moved.py", "tests/test_moved_modules.py"}
TEXT_SUFFIXES = {".py", ".md", ".yml", ".yaml", ".toml", ".json", ".ipynb", ".txt", ".cfg", ".html",
                 ".js", ".css", ".sh"}
_OLD = "|".join(re.escape(name) for name in sorted(MOVED, key=len, reverse=True))
# an old dotted name (an import, `-m`, a string) or an old file path (in prose)
OLD_DOTTED = re.compile(rf"(?<![\w.])({_OLD})\b")
OLD_PATH = re.compile(rf"(?<![\w./])({_OLD.replace(re.escape('.'), '/')})\.py\b")
# an old module imported from its package: `from mnist_course import <old>` (or in parentheses)
FROM_IMPORT = re.compile(r"\bfrom\s+(mnist_course(?:\.\w+)*)\s+import\s+(\([^)]*\)|[^\n]*)")


def old_names(text: str) -> set[str]:
    """The old module names (`mnist_course.moved.MOVED`) that `text` uses."""
    found = set(OLD_DOTTED.findall(text))
    found |= {name.replace("/", ".") for name in OLD_PATH.findall(text)}
    for package, names in FROM_IMPORT.findall(text):
        for name in re.sub(r"#[^\n]*", "", names).strip("()").split(","):
            if name.split() and f"{package}.{name.split()[0]}" in MOVED:
                found.add(f"{package}.{name.split()[0]}")
    return found


def own_files(root: Path):
    for name in OWN_FILES:
        path = root / name
        if path.is_file():
            yield path
        elif path.is_dir():
            for inner in sorted(path.rglob("*")):
                parts = inner.relative_to(path).parts
                if (inner.suffix in TEXT_SUFFIXES and inner.is_file()
                        and not any(part.startswith(".") or part == "__pycache__" for part in parts)):
                    yield inner


def check_old_names(root: Path) -> list[str]:
    problems = []
    for path in own_files(root):
        shown = path.relative_to(root).as_posix()
        if shown in OLD_NAMES_KEPT:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for name in sorted(old_names(text)):
            problems.append(f"{shown} uses {name}, which moved to {MOVED[name]} (mnist_course/moved.py)")
    return problems


RULES = {
    "lesson catalogue vs files": check_catalogue,
    "stubs in sync": check_stubs,
    "notebooks in sync": check_notebooks,
    "hints for every function": check_hints,
    "site navigation": check_nav,
    "README lesson table": check_readme,
    "mistakes catalogue": check_mistakes,
    "lesson functions the tools call": check_contract,
    "figures quoted from bench/results": quoted_figures.stale,
    "no module's old name": check_old_names,
}


def check(root: Path) -> dict[str, list[str]]:
    """Every rule's problems, by rule; all empty when the course agrees with itself."""
    return {title: rule(root) for title, rule in RULES.items()}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv != ["check"]:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    failed = 0
    for title, problems in check(find_course_root()).items():
        print(f"{'ok  ' if not problems else 'FAIL'} {title}")
        for problem in problems:
            print(f"     {problem}")
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
