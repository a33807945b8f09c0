"""Shell completion for the companion's arguments: lesson numbers, a lesson's functions.

Typer calls these while the learner presses Tab (after `mnist-course --install-completion`),
so they must be quick and must never fail: outside a course they simply offer nothing.
"""

from __future__ import annotations

from mnist_course.course import LESSONS, CourseError


def lesson_numbers(incomplete: str):
    """Every lesson number starting with what was typed, with its title as the description."""
    return [(number, unit.title) for number, unit in LESSONS.items() if number.startswith(incomplete)]


def lesson_functions(ctx, incomplete: str):
    """The functions of the lesson named earlier on the command line (`hint 02 <Tab>`)."""
    from mnist_course.course.workspace import Workspace, resolve_lesson

    try:
        unit = resolve_lesson(str(ctx.params.get("lesson") or ""))
        functions = Workspace.here().functions(unit)
    except (CourseError, OSError, SyntaxError):
        return []
    return [name for name in functions if name.startswith(incomplete)]
