"""What a matplotlib figure shows, as plain data, and a figure rebuilt from it.

When grading, a learner's plotting function runs in the worker; the figure it returns
crosses to the grader as facts (`figure_facts`), which `rebuild_figure` draws again with
matplotlib, so the checks read `figure.axes`, `ax.images[0].get_array()`, `ax.patches`,
`ax.lines`, `ax.texts`, titles, labels, ticks and legends exactly as in the learner's loop.
Only what the checks read is carried: axes and their positions, images (pixels, colour
map, colour limits), lines, rectangles (bars), texts, heat-map meshes, legends.
"""

from __future__ import annotations

import numpy as np


def figure_facts(figure) -> dict:
    return {"size": [float(v) for v in figure.get_size_inches()],
            "axes": [_axes_facts(ax) for ax in figure.axes]}


def _axes_facts(ax) -> dict:
    from matplotlib.collections import QuadMesh
    from matplotlib.patches import Rectangle

    legend = ax.get_legend()
    return {
        "bounds": [float(v) for v in ax.get_position().bounds],
        "title": ax.get_title(),
        "xlabel": ax.get_xlabel(),
        "ylabel": ax.get_ylabel(),
        "axison": bool(ax.axison),
        "xlim": [float(v) for v in ax.get_xlim()],
        "ylim": [float(v) for v in ax.get_ylim()],
        "xticks": np.asarray(ax.get_xticks(), dtype=float),
        "yticks": np.asarray(ax.get_yticks(), dtype=float),
        "xticklabels": [label.get_text() for label in ax.get_xticklabels()],
        "yticklabels": [label.get_text() for label in ax.get_yticklabels()],
        "images": [
            {"array": np.asarray(np.ma.getdata(image.get_array())),
             "cmap": image.get_cmap().name, "clim": [_number(v) for v in image.get_clim()],
             "extent": [float(v) for v in image.get_extent()]}
            for image in ax.images
        ],
        "lines": [
            {"x": np.asarray(line.get_xdata(), dtype=float), "y": np.asarray(line.get_ydata(), dtype=float),
             "label": str(line.get_label()), "color": _colour(line.get_color())}
            for line in ax.lines
        ],
        "bars": [
            {"x": float(patch.get_x()), "y": float(patch.get_y()), "width": float(patch.get_width()),
             "height": float(patch.get_height()), "color": _colour(patch.get_facecolor())}
            for patch in ax.patches if isinstance(patch, Rectangle)
        ],
        "texts": [{"x": float(text.get_position()[0]), "y": float(text.get_position()[1]), "text": text.get_text()}
                  for text in ax.texts],
        "meshes": [np.asarray(np.ma.getdata(mesh.get_array()), dtype=float)
                   for mesh in ax.collections if isinstance(mesh, QuadMesh)],
        "legend": None if legend is None else [text.get_text() for text in legend.get_texts()],
    }


def _number(value):
    return None if value is None else float(value)


def _colour(colour) -> list[float]:
    from matplotlib.colors import to_rgba

    return [float(v) for v in to_rgba(colour)]


def rebuild_figure(facts: dict):
    """A matplotlib Figure (not shown, not in pyplot's list) drawn from `figure_facts`."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    figure = Figure(figsize=tuple(facts.get("size") or (6.4, 4.8)))
    for axes in facts["axes"]:
        ax = figure.add_axes(axes["bounds"])
        for image in axes["images"]:
            low, high = image["clim"]
            ax.imshow(np.asarray(image["array"]), cmap=image["cmap"], vmin=low, vmax=high,
                      extent=image["extent"])
        for mesh in axes["meshes"]:
            ax.pcolormesh(np.asarray(mesh, dtype=float))
        for line in axes["lines"]:
            ax.plot(line["x"], line["y"], label=line["label"], color=line["color"])
        for bar in axes["bars"]:
            ax.add_patch(Rectangle((bar["x"], bar["y"]), bar["width"], bar["height"], facecolor=bar["color"]))
        for text in axes["texts"]:
            ax.text(text["x"], text["y"], text["text"])
        ax.set_xlim(axes["xlim"])
        ax.set_ylim(axes["ylim"])
        if axes["axison"]:  # ticks of a hidden axis show nothing (and cost most of the rebuild)
            ax.set_xticks(axes["xticks"], labels=axes["xticklabels"] if len(axes["xticklabels"]) == len(axes["xticks"]) else None)
            ax.set_yticks(axes["yticks"], labels=axes["yticklabels"] if len(axes["yticklabels"]) == len(axes["yticks"]) else None)
        ax.set_title(axes["title"])
        ax.set_xlabel(axes["xlabel"])
        ax.set_ylabel(axes["ylabel"])
        if axes["legend"] is not None:
            labelled = [line for line in ax.lines if not line.get_label().startswith("_")]
            ax.legend(labelled, axes["legend"][: len(labelled)]) if labelled else ax.legend([], [])
        if not axes["axison"]:
            ax.set_axis_off()
    return figure
