"""Griffe extension for the API reference: read `Example:` sections as doctest examples.

The lesson docstrings head their examples `Example:` (singular). Google style, as griffe
parses it, knows only `Examples:`; anything else becomes an admonition whose `>>>` lines are
read as Markdown, where `[a][b]` looks like a link. Renaming the heading at load time makes
them code, without touching the files learners read.
"""

import re

import griffe

EXAMPLE = re.compile(r"^(\s*)Example:\s*$", re.M)


class SingularExamples(griffe.Extension):
    def on_object(self, *, obj, **kwargs) -> None:
        if obj.docstring is not None:
            obj.docstring.value = EXAMPLE.sub(r"\1Examples:", obj.docstring.value)
