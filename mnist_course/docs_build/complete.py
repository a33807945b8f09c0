"""Is every generated part of the guide in the built site? Read from the HTML, whatever built it.

A site builder that does not run a step (a hook, a plugin) skips it without a word, so the
site is checked against what the pages ask for: each directive of `docs/*.md` (task, check,
solution, lesson map, stub message), each figure a page shows, the "Open in Colab" link of
each lesson page and every entry of the API reference. `missing(root, site)` lists what is
not there, one line each ("lessons/02-prepare.md: task normalize: no tip 'Hint 2 · the
idea'"); an empty list means the site is complete.

    python -m mnist_course.docs_build check [SITE]
"""

from __future__ import annotations

import html
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

from mnist_course.course import LESSONS
from mnist_course.docs_build import directives
from mnist_course.docs_build.reference import REFERENCE_PAGE, entries, entry_anchor
from mnist_course.course.hints import hint_levels

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
FIGURE = re.compile(r"""(?:\]\(|src=["'])((?:\.\./)*figures/[\w.-]+\.png)""")
PNG = b"\x89PNG\r\n\x1a\n"


# --- A small HTML tree -------------------------------------------------------------------------

class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None = None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def words(self) -> str:
        return " ".join(self.text().split())

    def walk(self):
        """This node's descendants, in document order."""
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.walk()

    def all(self, tag: str, *classes: str) -> list[Node]:
        return [node for node in self.walk() if node.tag == tag and set(classes) <= node.classes]


class TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {name: value or "" for name, value in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, {name: value or "" for name, value in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:  # an end tag with no start is ignored
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(text: str) -> Node:
    builder = TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


# --- Pages and links -------------------------------------------------------------------------------

def page_url(uri: str) -> str:
    """The folder URL a page is built at: "lessons/02-prepare.md" -> "lessons/02-prepare/"."""
    stem = uri.removesuffix(".md")
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def resolve(url: str, href: str) -> str:
    """The site path `href` points to from the page at `url` ("" for the home page)."""
    target = href.split("#")[0].split("?")[0]
    if not target:
        return url + "index.html"
    path = posixpath.normpath(posixpath.join(url, target))
    if target.endswith("/") or path == ".":
        path = "" if path == "." else path + "/"
        return path + "index.html"
    return path


def content(document: Node) -> Node:
    """The page's own content (the <article>), without the theme's header, navigation and footer."""
    return next(iter(document.all("article")), document)


def section(article: Node, heading: Node) -> list[Node]:
    """The nodes after `heading` up to the next heading of the same or a higher level."""
    nodes = list(article.walk())
    start = nodes.index(heading)
    level = int(heading.tag[1])
    out = []
    for node in nodes[start + 1 :]:
        if re.fullmatch(r"h[1-6]", node.tag) and int(node.tag[1]) <= level:
            break
        out.append(node)
    return out


def summary(details: Node) -> str:
    return next((node.words() for node in details.all("summary")), "")


def opening(text: str, words: int = 5) -> str:
    """The first words of a Markdown text as they read once rendered."""
    import markdown  # both builders bring Python-Markdown

    return " ".join(parse(markdown.markdown(text)).text().split()[:words])


# --- What each directive must have produced ----------------------------------------------------

def check_task(root: Path, article: Node, url: str, number: str, name: str) -> list[str]:
    module = LESSONS[number].module
    heading = next((node for node in article.walk() if node.attrs.get("id") == name
                    and re.fullmatch(r"h[1-6]", node.tag)), None)
    if heading is None:
        return [f"task {name}: no heading #{name}"]
    nodes = section(article, heading)
    problems = []
    if not any({"admonition", "abstract"} <= node.classes for node in nodes):
        problems.append(f"task {name}: no spec (the 'abstract' block with the docstring)")
    tips = [node for node in nodes if node.tag == "details" and "tip" in node.classes]
    levels = hint_levels(root, number, name)
    titles = directives.HINT_TITLES[: len(levels)] if levels else ["Hints"]
    for index, title in enumerate(titles):
        tip = next((tip for tip in tips if summary(tip) == title), None)
        if tip is None:
            problems.append(f"task {name}: no tip {title!r}")
        elif levels and opening(levels[index]) not in tip.words():
            problems.append(f"task {name}: the tip {title!r} does not read {opening(levels[index])!r}...")
    solved = [node for node in nodes if node.tag == "details" and "success" in node.classes
              and summary(node).startswith("Reference solution")]
    if not any(f"def {name}(" in node.text() for node in solved):
        problems.append(f"task {name}: no reference solution block with def {name}(...)")
    anchor = entry_anchor(module, name)
    reference = resolve("", page_url(REFERENCE_PAGE))
    if not any(node.tag == "a" and node.attrs.get("href", "").endswith(f"#{anchor}")
               and resolve(url, node.attrs["href"]) == reference for node in nodes):
        problems.append(f"task {name}: no link to its API reference entry #{anchor}")
    return problems


def code_texts(article: Node) -> list[str]:
    return [" ".join(node.text().split()) for node in article.all("code")]


def check_page(root: Path, site: Path, uri: str, source: str) -> list[str]:
    url = page_url(uri)
    built = site / (url + "index.html")
    if not built.is_file():
        return [f"{uri}: not built ({built.relative_to(site)} is missing)"]
    article = content(parse(built.read_text(encoding="utf-8")))
    problems: list[str] = []
    codes = code_texts(article)

    for match in directives.TASK.finditer(source):
        problems += check_task(root, article, url, *match.group(1, 2))
    for match in directives.CHECK.finditer(source):
        command = f"pytest checks/lesson_{match.group(1)}"
        if not any(command in code for code in codes):
            problems.append(f"check {match.group(1)}: the command {command!r} is not shown")
    for match in directives.SOLUTION.finditer(source):
        module = LESSONS[match.group(1)].module
        blocks = [node for node in article.all("details", "success")
                  if f"solutions/{module}.py" in summary(node)]
        if not any("def " in node.text() for node in blocks):
            problems.append(f"solution {match.group(1)}: no 'The whole reference module' block with its code")
    for _ in directives.LESSON_MAP.finditer(source):
        links = [a for table in article.all("table") for a in table.all("a")]
        linked = {resolve(url, a.attrs.get("href", "")) for a in links}
        for unit in LESSONS.values():
            if resolve("", page_url(unit.page)) not in linked:
                problems.append(f"lesson map: no row linking to lesson {unit.number} ({unit.page})")
    for match in directives.STUB_MESSAGE.finditer(source):
        first = " ".join(directives.stub_message(*match.group(1, 2)).splitlines()[0].split())
        if not any(first in code for code in codes):
            problems.append(f"stub message {match.group(1)} {match.group(2)}: {first!r} is not shown")

    colab = directives.lesson_colab_url(uri)
    if colab and not any(a.attrs.get("href") == colab for a in article.all("a")):
        problems.append("no 'Open this lesson as a notebook in Google Colab' link")

    images = {resolve(url, img.attrs.get("src", "")) for img in article.all("img")}
    for reference in FIGURE.findall(source):  # relative to the source page, in docs/
        path = posixpath.normpath(posixpath.join(posixpath.dirname(uri), html.unescape(reference)))
        if path not in images:
            problems.append(f"figure {reference}: no image shows it")
        elif not (site / path).is_file() or not (site / path).read_bytes().startswith(PNG):
            problems.append(f"figure {reference}: {path} is not a PNG in the site")
    return [f"{uri}: {problem}" for problem in problems]


def check_reference(root: Path, site: Path) -> list[str]:
    built = site / (page_url(REFERENCE_PAGE) + "index.html")
    if not built.is_file():
        return [f"{REFERENCE_PAGE}: not built ({built.relative_to(site)} is missing)"]
    article = content(parse(built.read_text(encoding="utf-8")))
    ids = {node.attrs["id"]: node for node in article.walk() if "id" in node.attrs}
    problems = []
    for module, anchors in entries(root).items():
        for anchor in anchors:
            node = ids.get(anchor)
            name = anchor.rsplit(".", 1)[1]
            if node is None:
                problems.append(f"{REFERENCE_PAGE}: no entry #{anchor}")
            elif name not in node.text():
                problems.append(f"{REFERENCE_PAGE}: the entry #{anchor} does not name {name}")
    return problems


def missing(root: Path, site: Path, docs: Path | None = None) -> list[str]:
    """Every generated part the pages of `docs` (the sources, docs/) ask for and `site` lacks."""
    docs = docs or root / "docs"
    problems = []
    for path in sorted(docs.rglob("*.md")):
        uri = path.relative_to(docs).as_posix()
        problems += check_page(root, site, uri, path.read_text(encoding="utf-8"))
    return problems + check_reference(root, site)
