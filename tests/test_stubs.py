"""lessons/ is generated from solutions/: same spec, solution blocks replaced by a stub."""

import ast

import pytest

from mnist_course.course import LESSONS
from mnist_course.course.stubs import StubError, expected_stubs, generate_stub, solution_functions

from conftest import ROOT


def test_committed_stubs_match_the_generator():
    stale = [
        path.name
        for path, text in expected_stubs(ROOT).items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]
    assert not stale, f"regenerate with `python -m mnist_course.course.stubs`: {stale}"


def signatures_and_docstrings(source: str) -> dict:
    tree = ast.parse(source)
    return {
        node.name: (ast.dump(node.args), ast.get_docstring(node))
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
    }


def imports(source: str) -> list[str]:
    tree = ast.parse(source)
    return [ast.dump(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]


@pytest.mark.parametrize("number", list(LESSONS))
def test_stub_keeps_the_spec_and_hides_the_solution(number):
    lesson = LESSONS[number]
    solution = (ROOT / "solutions" / lesson.filename).read_text(encoding="utf-8")
    stub = generate_stub(solution, lesson)
    assert signatures_and_docstrings(stub) == signatures_and_docstrings(solution)
    assert imports(stub) == imports(solution)
    assert ast.get_docstring(ast.parse(stub)) == ast.get_docstring(ast.parse(solution))
    functions = solution_functions(solution)
    assert functions, f"{lesson.filename} has no solution blocks"
    for name in functions:
        assert f"{name}() is not implemented yet" in stub
        assert lesson.page in stub
    assert "BEGIN SOLUTION" not in stub and "END SOLUTION" not in stub


@pytest.mark.parametrize(
    "source, problem",
    [
        ("def f():\n    # BEGIN SOLUTION\n    return 1\n", "never closed"),
        ("def f():\n    return 1\n    # END SOLUTION\n", "without BEGIN"),
        ("# BEGIN SOLUTION\nx = 1\n# END SOLUTION\n", "outside a function"),
        (
            "def f():\n    # BEGIN SOLUTION\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n",
            "inside another block",
        ),
    ],
)
def test_generator_rejects_broken_markers(source, problem):
    with pytest.raises(StubError, match=problem):
        generate_stub(source, LESSONS["01"])


def test_generated_stub_runs_and_raises_a_teaching_error(tmp_path):
    lesson = LESSONS["02"]
    source = "import numpy as np\n\ndef f(x):\n    \"\"\"Spec.\"\"\"\n    # BEGIN SOLUTION\n    return x\n    # END SOLUTION\n"
    namespace = {}
    exec(compile(generate_stub(source, lesson), "stub", "exec"), namespace)
    with pytest.raises(NotImplementedError, match=r"Lesson 02 · Prepare the data · f\(\) is not implemented yet"):
        namespace["f"](1)


@pytest.mark.parametrize("source", [
    *[(ROOT / folder / unit.filename).read_text(encoding="utf-8") for unit in LESSONS.values()
      for folder in ("solutions", "lessons")],
    "def f():\r\n    return 1\r\n",  # Windows line ends
    "def f():\r    x = 'é\u2028'\r    return x",  # old Mac line ends; a separator Python's lines ignore
    "x = 1\n\ndef g(a,\n      b): return a  # é, after a line of code\n",
])
def test_function_source_cuts_what_ast_would(source):
    # ast.get_source_segment rebuilds lines a character at a time: a 1 MB line took 50 s.
    from mnist_course.course.stubs import function_source

    functions = [node for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)]
    assert functions
    for node in functions:
        assert function_source(source, node.name) == ast.get_source_segment(source, node, padded=True)


def test_function_source_gives_the_definition_python_keeps():
    # compare showed the first of two definitions, "same as the reference", while the checks
    # ran the second.
    from mnist_course.course.stubs import function_source

    source = "def normalize(images):\n    return images / 255.0\n\n\ndef normalize(images):\n    return images\n"
    assert function_source(source, "normalize") == "def normalize(images):\n    return images"
