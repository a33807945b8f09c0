"""Drawing the stages of lesson 07's `preprocess_digit`: course code `explain_figure` calls."""

from __future__ import annotations

import numpy as np

STAGE_TITLES = {
    "picture": "1. your picture (grey)",
    "ink": "2. ink, light evened out",
    "mask": "3. ink or paper",
    "digit": "4. the digit kept",
}


def show_stages(axes: dict, stages: dict) -> None:
    """Draw each stage `preprocess_digit` stored in `stages` into the axes of the same name.

    `axes` is the dict `plt.subplot_mosaic` returns; stages without an axes (or axes
    without a stage) are skipped. Every picture axes (the stages, "input" and "mean")
    loses its ticks and frame: they are pictures, not plots.
    """
    for name, title in STAGE_TITLES.items():
        if name in stages and name in axes:
            picture = np.asarray(stages[name], dtype=np.float32)
            top = None if name in ("picture", "ink") else 1.0  # masks are 0/1
            axes[name].imshow(picture, cmap="gray", vmin=0, vmax=top)
            axes[name].set_title(title, fontsize=10)
    for name in (*STAGE_TITLES, "input", "mean"):
        if name in axes:
            axes[name].set_axis_off()
