"""The catalogued mistakes of lesson 04 (tests/mistakes/lesson_04_model/).

Each is caught by its check, with its hint: see tests/mistakes_harness.py. The catalogue
itself is checked in tests/test_mistakes.py.
"""

from __future__ import annotations

import pytest

from mistakes_harness import check_catches, mistake_id, mistakes_of


@pytest.mark.parametrize("mistake", mistakes_of("04"), ids=mistake_id)
def test_mistake_is_caught_with_its_hint(mistake, tmp_path, pytester, heavy_libraries):
    check_catches(mistake, tmp_path, pytester)
