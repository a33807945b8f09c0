"""The guide's build: everything the course adds to its pages, written before a site builder runs.

`docs/` holds the pages as people write them, with course directives (`<!-- task 02
normalize -->`, `<!-- lesson-map -->`, ...). A site builder only ever sees the generated copy,
`build/docs/` (git-ignored, the `docs_dir` of `mkdocs.yml`), where every directive is ordinary
Markdown, every figure a PNG and the API reference a page of its own. So Zensical and
MkDocs 1.x build the same full site from the same `mkdocs.yml`, with no hook or plugin of ours:

    python -m mnist_course.docs_build generate          # docs/ -> build/docs/
    zensical build                                      # or: mkdocs build --strict
    python -m mnist_course.docs_build check             # the site has every generated part

or all three at once, `python -m mnist_course.docs_build build [--with mkdocs]`; and
`python -m mnist_course.docs_build serve` for a live preview that generates again when a page,
a solution or a hint changes.

- `directives`: tasks, hints, checks, solutions, the lesson map, stub messages, Colab links;
- `reference`: the API reference page, from the reference modules' docstrings;
- `figures`: every figure, drawn by the reference code (cached in `.course/docs-figures/`);
- `complete`: reads a built site and lists every generated part it lacks.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = "docs"  # the pages as written, relative to the course root
CONFIG = "mkdocs.yml"  # read by both builders; its docs_dir is where the pages are generated
BUILDERS = ("zensical", "mkdocs")
SKIPPED = {"__pycache__"}  # never copied into the generated pages


class DocsError(Exception):
    """The guide cannot be generated or built; the message says what to fix."""


def config_setting(root: Path, name: str) -> str:
    """A top-level `name: value` of mkdocs.yml, e.g. docs_dir."""
    text = (root / CONFIG).read_text(encoding="utf-8")
    match = re.search(rf"^{name}:\s*([^\s#]+)", text, re.M)
    if not match:
        raise DocsError(f"{CONFIG} has no {name}")
    return match.group(1)


def generated_dir(root: Path = ROOT) -> Path:
    """Where the pages are generated: mkdocs.yml's docs_dir (build/docs)."""
    return root / config_setting(root, "docs_dir")


def _write(path: Path, data: bytes) -> None:
    """Write only what changed, so a live preview rebuilds only the pages that changed."""
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def generate(root: Path = ROOT, out: Path | None = None, figures: bool = True) -> Path:
    """Write the guide's pages, ready for any builder, into `out` (default: mkdocs.yml's docs_dir)."""
    from mnist_course.docs_build import directives, reference
    from mnist_course.docs_build.figures import FigureError, copy_figures

    source = root / SOURCES
    out = Path(out) if out is not None else generated_dir(root)
    if out.resolve() == source.resolve():
        raise DocsError(f"the pages would be generated over their sources, {source}")
    course = directives.Course()
    written: set[Path] = set()
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_dir() or SKIPPED & set(relative.parts) or path.suffix == ".py":
            continue
        target = out / relative
        if path.suffix == ".md":
            text = directives.expand(course, path.read_text(encoding="utf-8"), relative.as_posix())
            _write(target, text.encode("utf-8"))
        else:
            _write(target, path.read_bytes())
        written.add(target)
    page = out / reference.REFERENCE_PAGE
    if (source / reference.REFERENCE_PAGE).exists():
        raise DocsError(f"{SOURCES}/{reference.REFERENCE_PAGE} would hide the generated API reference")
    _write(page, reference.render(root).encode("utf-8"))
    written.add(page)
    if figures:
        try:
            written |= {out / "figures" / name for name in copy_figures(out / "figures")}
        except FigureError as error:
            raise DocsError(str(error)) from None
    for path in sorted(out.rglob("*"), reverse=True):  # what an older generation left behind
        if path.is_file() and path not in written:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return out


def builder_command(builder: str, config: Path, strict: bool = True) -> list[str]:
    if builder not in BUILDERS:
        raise DocsError(f"unknown builder {builder!r}: one of {', '.join(BUILDERS)}")
    return [sys.executable, "-m", builder, "build", *(["--strict"] if strict else []),
            "--config-file", str(config)]


def project_config(root: Path, project: Path, strict: bool = True) -> Path:
    """mkdocs.yml for a build in `project`: pages from `project/docs`, the site into `project/site`.

    Zensical wants both folders under the folder of its config file, hence a copy of the
    course's config there; snippets still resolve from the course root, the builder's cwd.
    """
    text = (root / CONFIG).read_text(encoding="utf-8")
    for name, value in (("docs_dir", "docs"), ("site_dir", "site"), ("strict", str(strict).lower())):
        text = re.sub(rf"^{name}:.*$", f"{name}: {value}", text, count=1, flags=re.M)
    config = project / CONFIG
    config.write_text(text, encoding="utf-8")
    return config


def build(builder: str = "zensical", root: Path = ROOT, project: Path | None = None,
          strict: bool = True) -> Path:
    """Build the generated pages with `builder`; the site folder.

    Without `project`, as mkdocs.yml says (build/docs -> site/). With it, from `project/docs`
    into `project/site` (the tests build in temporary folders this way). `strict`: a warning
    (a broken link or anchor) fails the build.
    """
    if project is None:
        config, site = root / CONFIG, root / config_setting(root, "site_dir")
    else:
        config, site = project_config(root, project, strict), project / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", "NO_COLOR": "1"}
    try:
        result = subprocess.run(builder_command(builder, config, strict), cwd=root, env=env,
                                capture_output=True, text=True, timeout=600)
    except FileNotFoundError as error:  # pragma: no cover - sys.executable is there
        raise DocsError(str(error)) from None
    output = (result.stdout + result.stderr).split("Traceback (most recent call last)")[0].strip()
    if result.returncode != 0:
        raise DocsError(f"{builder} build failed (exit {result.returncode}):\n{output[-6000:]}")
    return site


def copy_generated(generated: Path, project: Path) -> Path:
    """A copy of generated pages as `project/docs`, for a build of its own."""
    target = project / "docs"
    shutil.copytree(generated, target)
    return target
