"""The course guide: it builds strictly, and every page works in a real browser.

1. The generated pages (`python -m mnist_course.docs_build generate`) built with
   `zensical build --strict`, the guide's builder, into a temporary folder (`zensical_site`
   in conftest.py): any warning fails (a broken link or anchor, a snippet that points
   nowhere); generation itself fails on a task list that no longer matches `solutions/` or a
   figure that could not be drawn. `tests/test_docs_complete.py` checks both builders' sites
   for every generated part.
2. The built site is served on localhost and opened in headless Chromium (Debian's
   `/usr/bin/chromium`, driven by Playwright): every page loads without console errors and
   with every image decoded, the search finds "confusion", and clicking through the
   navigation reaches every lesson. A screenshot of each page is saved under
   `artifacts/screenshots/` (git-ignored) for people to look at.
3. axe-core (`axe-playwright-python`, which bundles it: nothing is fetched) finds no serious
   or critical accessibility violation on the home page, a lesson page and the performance
   page.

Needs MNIST (`MNIST_PATH`), because the figures are drawn when the pages are generated.
"""

from __future__ import annotations

import functools
import html
import http.server
import re
import sys
import threading
import time
from pathlib import Path

import pytest

from mnist_course.course import CORE, GOING_FURTHER, LESSONS
from mnist_course.course.hints import hint_levels

from conftest import ROOT, chromium, serious_accessibility_problems, wait_in_page
SCREENSHOTS = ROOT / "artifacts" / "screenshots" / "site"  # this test's own: others share the parent
LESSON_PAGES = [unit.page.removesuffix(".md") + "/" for unit in LESSONS.values()]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(zensical_site) -> Path:
    """The guide as Zensical builds it from the generated pages."""
    return zensical_site


def test_site_builds_strictly_with_every_page_and_figure(site):
    for page in ["index.html", "setup/index.html", "how-it-works/index.html",
                 "troubleshooting/index.html", "reference/index.html",
                 *(f"{lesson}index.html" for lesson in LESSON_PAGES)]:
        assert (site / page).is_file(), f"{page} was not built"
    figures = {path.name for path in (site / "figures").glob("*.png")}
    for name in ["hero.png", "samples.png", "label_distribution.png", "mean_digits.png",
                 "training_curves.png", "confusion.png", "most_confused.png"]:
        assert name in figures, f"figure {name} was not generated (have {sorted(figures)})"
    if (ROOT / "solutions" / "lesson_07_predict.py").is_file():
        assert "preprocessing.png" in figures
    # The hints come from hints.toml and the solutions from solutions/, not from the pages.
    page = (site / "lessons/02-prepare/index.html").read_text(encoding="utf-8")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())
    assert "pytest checks/lesson_02" in text
    assert "Reference solution" in text and "np.float32(255.0)" in text
    nudge = hint_levels(ROOT, "02", "normalize")[0]
    words = re.sub(r"[`*_]", "", nudge).split()[:6]  # the hint's opening, as rendered
    assert " ".join(words) in text, f"the hint {nudge!r} is not on the lesson 02 page"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output readable
        pass


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def built_pages(site: Path) -> list[str]:
    """Every page of the site, as a path relative to its root ("" is the home page)."""
    pages = []
    for html in sorted(site.rglob("index.html")):
        relative = html.parent.relative_to(site).as_posix()
        pages.append("" if relative == "." else relative + "/")
    return pages


def open_page(browser, url: str, in_flight: set | None = None):
    """A fresh page at `url`, with its console errors, failed requests and page errors.

    Given `in_flight`, the page keeps there the requests it has sent and not yet seen answered.
    """
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    if in_flight is not None:
        page.on("request", lambda request: in_flight.add(request))
        page.on("requestfinished", lambda request: in_flight.discard(request))
        page.on("requestfailed", lambda request: in_flight.discard(request))
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} ({r.failure})"))
    page.on(
        "response",
        lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
    )
    page.goto(url, wait_until="load")  # every image decoded or failed by then
    return page, problems


def test_every_page_loads_cleanly_with_all_images(site, server, browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    pages = built_pages(site)
    assert len(pages) >= 14, pages
    failures = []
    started = time.perf_counter()
    for path in pages:
        page, problems = open_page(browser, server + path)
        images = page.evaluate(
            """() => Array.from(document.images).map(img => ({
                   src: img.currentSrc || img.src, ok: img.complete && img.naturalWidth > 0}))"""
        )
        broken = [image["src"] for image in images if not image["ok"]]
        title = page.title()
        name = (path.strip("/").replace("/", "__") or "home") + ".png"
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
        page.close()
        if problems or broken or "404" in title:
            failures.append(f"{path or '/'}: {problems + [f'image not loaded: {b}' for b in broken]} title={title!r}")
    print(f"\nopened {len(pages)} pages in {time.perf_counter() - started:.1f} s; "
          f"screenshots in {SCREENSHOTS}")
    assert not failures, "\n".join(failures)


def test_search_finds_confusion(server, browser):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout  # installed: `browser` started

    page, problems = open_page(browser, server)
    page.click("button.md-search__button")  # "Search" in the header: Zensical's search dialog
    page.keyboard.type("confusion")
    # The results are drawn in the dialog (inside a shadow root, which Playwright's CSS enters)
    # as they come, so wait for the one we want; the hrefs are read in one go to explain a miss.
    wanted = page.locator("dialog a[href*='06-evaluate']").first
    try:
        wanted.wait_for(state="attached", timeout=15_000)
    except PlaywrightTimeout:
        hrefs = page.locator("dialog a").evaluate_all("links => links.map(link => link.getAttribute('href'))")
        pytest.fail(f"no result links to lesson 06 after typing 'confusion': {hrefs}")
    page.wait_for_timeout(500)  # the results fade in: let the screenshot show them
    page.screenshot(path=str(SCREENSHOTS / "search-confusion.png"))
    page.close()
    assert not problems, problems


def wait_for_requests(page, in_flight: set, timeout: float = 15.0) -> None:
    """Wait until the page has no request in flight.

    A page's search worker loads after its "load" event, and a click that leaves the page then
    aborts it, which reads as a failed request (net::ERR_ABORTED) though nothing is wrong.
    """
    quiet = wait_in_page(page, lambda: not in_flight, timeout)
    assert quiet, f"still loading after {timeout:.0f} s: {[r.url for r in in_flight]}"


def test_navigation_reaches_every_lesson(server, browser):
    in_flight: set = set()
    page, problems = open_page(browser, server, in_flight)
    tabs = {CORE: "Lessons", GOING_FURTHER: "Going further"}  # the nav's tab of each track
    for unit, lesson in zip(LESSONS.values(), LESSON_PAGES):
        wait_for_requests(page, in_flight)
        page.click(f"nav.md-tabs a:has-text('{tabs[unit.track]}')")
        page.wait_for_load_state("load")
        number = unit.number
        link = page.locator(f"nav.md-nav--primary a.md-nav__link[href$='{lesson.split('/')[1]}/']").first
        wait_for_requests(page, in_flight)
        link.click()
        page.wait_for_url(f"**/{lesson}")
        heading = page.locator("article h1").first.inner_text()
        assert heading.startswith(f"Lesson {number}"), (lesson, heading)
    wait_for_requests(page, in_flight)
    page.close()
    assert not problems, problems


def test_dark_palette_follows_the_system(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    page.goto(server + "lessons/06-evaluate/", wait_until="load")
    scheme = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
    page.screenshot(path=str(SCREENSHOTS / "dark__lessons__06-evaluate.png"))
    page.close()
    assert scheme == "slate", scheme


# The home page, a lesson (tasks, hints, solutions, figures) and the benchmarks; a lesson in the
# dark palette too. axe takes 1-3 s a page here, so not every page.
ACCESSIBILITY_PAGES = [("", "light"), ("lessons/02-prepare/", "light"), ("performance/", "light"),
                       ("lessons/02-prepare/", "dark")]


def test_no_serious_accessibility_violation(server, browser):
    found = []
    for path, scheme in ACCESSIBILITY_PAGES:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
        page.goto(server + path, wait_until="load")
        found += [f"/{path} ({scheme}): {problem}" for problem in serious_accessibility_problems(page)]
        page.close()
    assert not found, "\n".join(found)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-v", "-s"]))
