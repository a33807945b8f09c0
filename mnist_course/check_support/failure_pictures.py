"""Failures you can see: when a check about an image fails, save what went in and came out.

A check that compares pictures can say "correlation 0.54", but a learner needs to *see*
the input, what was expected and what their function made of it. `save_failure_picture`
draws them side by side (one row per case: "which photo") as a PNG under
`.course/failures/lesson_NN/<check>.png`; the check puts its path in the failure message
(`expect(..., picture=...)`), and the pytest plugin prints it as `picture:  <path>`.

Pictures are drawn only when a check fails, so passing checks stay fast.
"""

from __future__ import annotations

import os
import re
import tempfile
import textwrap
from pathlib import Path

import numpy as np

from mnist_course.course.workspace import Workspace, mode_for


def failure_picture_path(root: Path, lesson: str, check: str) -> Path:
    """Where the picture for one check goes: .course/failures/lesson_NN/<check>.png."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", check).strip("-") or "check"
    return Workspace(Path(root)).failures / f"lesson_{lesson}" / f"{name}.png"


def save_failure_picture(path: Path, rows: list[tuple[str, dict]], title: str = "") -> Path:
    """Draw `rows` of pictures into a PNG at `path` (written atomically); return `path`.

    Each row is `(label, {panel title: picture})`; a picture is a 2-D array of grey
    levels (shown 0..255 when its values go above 1, else 0..1) or an (h, w, 3|4) colour
    array; None leaves the panel empty (e.g. "your function raised an error"). Each
    panel's caption gives the array's shape and value range, so a wrong dtype or scale
    shows too.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = max(len(panels) for _, panels in rows)
    figure, axes = plt.subplots(
        len(rows), columns, figsize=(3.0 * columns, 3.2 * len(rows) + 0.4), squeeze=False
    )
    try:
        _draw(figure, axes, rows, title)
    except Exception:  # a picture that cannot be drawn leaves no figure open
        plt.close(figure)
        raise
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(suffix=".png", dir=path.parent)
    os.close(handle)
    try:
        figure.savefig(temporary, dpi=80)
        os.chmod(temporary, mode_for(path))
        os.replace(temporary, path)
    finally:
        plt.close(figure)
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path


def _draw(figure, axes, rows, title) -> None:
    columns = axes.shape[1]
    for row, (label, panels) in enumerate(rows):
        for column in range(columns):
            ax = axes[row, column]
            ax.set_xticks([])
            ax.set_yticks([])
            if column >= len(panels):
                ax.set_axis_off()
                continue
            name, picture = list(panels.items())[column]
            heading = f"{textwrap.fill(label, 34)}\n{name}" if label and column == 0 else name
            array = _drawable(picture)
            if array is None:
                ax.text(0.5, 0.5, "nothing to draw", ha="center", va="center", fontsize=9)
                ax.set_title(heading, fontsize=9)
                if picture is not None:
                    ax.set_xlabel(_caption(picture), fontsize=7)
                continue
            if array.dtype == bool:
                array = array.astype(np.float32)
            shown = np.asarray(array, dtype=np.float32)
            if shown.ndim == 2:
                top = 255.0 if np.nanmax(shown) > 1.0 else 1.0
                ax.imshow(shown, cmap="gray", vmin=min(0.0, float(np.nanmin(shown))), vmax=top,
                          interpolation="nearest")  # fmt: skip
            else:
                ax.imshow(np.clip(shown / (255.0 if shown.max() > 1 else 1.0), 0, 1), interpolation="nearest")
            ax.set_title(heading, fontsize=9)
            ax.set_xlabel(_caption(picture), fontsize=7)
    if title:
        figure.suptitle(title, fontsize=10)
    figure.tight_layout()


def _drawable(picture) -> np.ndarray | None:
    """`picture` as an array imshow can draw, or None (nothing, empty, not numbers, wrong shape)."""
    if picture is None:
        return None
    try:
        array = np.asarray(picture)
    except Exception:  # noqa: BLE001 - a learner's result can be anything
        return None
    if array.size == 0 or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        return None
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[..., 0]
    if not (array.ndim == 2 or (array.ndim == 3 and array.shape[2] in (3, 4))):
        return None
    if not np.isfinite(np.asarray(array, dtype=np.float64)).any():
        return None
    return array


def _caption(picture) -> str:
    try:
        array = np.asarray(picture)
    except Exception:  # noqa: BLE001
        return type(picture).__name__
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        return f"{type(picture).__name__}, not an array of numbers"
    if array.size == 0:
        return f"empty {array.dtype} {array.shape}"
    if np.isnan(array).all():  # nanmin would warn, and say nothing more than this
        return f"{array.dtype} {array.shape}, all NaN"
    low, high = float(np.nanmin(array)), float(np.nanmax(array))
    return f"{array.dtype} {array.shape}, {low:.3g}..{high:.3g}"
