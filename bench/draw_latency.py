"""Benchmark `mnist-course draw` as a learner uses it: draw MNIST test digits, time the answers.

    python bench/draw_latency.py [--model PATH] [--per-digit N] [--impl DIR] [--screenshot PNG]

Starts `mnist-course draw` (the reference lesson 07 unless --impl is given; the model
`mnist-course train` saved last unless --model), opens the page in Debian's Chromium and
draws the first N MNIST *test* images of every digit with the mouse (strokes traced from
each image, as tests/test_draw.py does; no digit is picked for being easy). Prints how
many the page reads right and, per stroke, the time from lifting the pen to the answer
on screen, split into: the canvas encoded as PNG, the answer back from the server, shown.

--screenshot saves the page after the last digit: `--screenshot docs/assets/draw.png`
regenerates the guide's picture (with the README's model: `python3 bootstrap.py main`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

from mnist_course.browser import CHROMIUM, CHROMIUM_ARGS
from mnist_course.draw.driver import (
    CAMERA_ARGS, ServerProcess, draw, mnist_test_digits, shown_digit, traced_strokes,
)

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, help="a .keras file (default: the latest trained)")
    parser.add_argument("--impl", type=Path, help="lesson modules to use (default: solutions/)")
    parser.add_argument("--per-digit", type=int, default=2, help="MNIST test images drawn per digit")
    parser.add_argument("--screenshot", type=Path, help="save the page after the last digit here")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    x_test, y_test = mnist_test_digits()
    chosen = [int(i) for digit in range(10) for i in (y_test == digit).nonzero()[0][: args.per_digit]]
    options = ["--impl", str(args.impl)] if args.impl else ["--solutions"]
    if args.model:
        options += ["--model", str(args.model)]
    server = ServerProcess(*options)
    right, latencies, parts = 0, [], []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS + CAMERA_ARGS
            )
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto(server.url, wait_until="networkidle")
            misread = []
            for index in chosen:
                page.click("#clear")
                latencies += draw(page, traced_strokes(x_test[index]), settle=True)
                parts.append([int(t) for t in page.locator("#answer").get_attribute("data-timing").split()])
                read = shown_digit(page)
                right += read == int(y_test[index])
                if read != int(y_test[index]):
                    misread.append(f"#{index}: a {y_test[index]} read as {read}")
            if args.screenshot:
                args.screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.screenshot), full_page=True)
            browser.close()
    finally:
        server.stop()

    server_ms = [float(line.rsplit(" in ", 1)[1].split()[0]) for line in server.out if " ms" in line
                 and line.startswith("your drawing: ")]
    print(f"model: {server.out[1] if len(server.out) > 1 else '?'}")
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} cores")
    print()
    print("| what | figure |")
    print("|---|---|")
    print(f"| digits read right | {right} of {len(chosen)} ({right / len(chosen):.0%}) |")
    print(f"| strokes drawn | {len(latencies)} |")
    print(f"| pen up -> answer on screen: median | {statistics.median(latencies):.0f} ms |")
    print(f"| pen up -> answer on screen: 90th percentile | {percentile(latencies, 0.9):.0f} ms |")
    print(f"| pen up -> answer on screen: max | {max(latencies):.0f} ms |")
    if parts:
        print(f"| of which canvas -> PNG (median) | {statistics.median(p[0] for p in parts):.0f} ms |")
        print(f"| of which request + lesson 07 + model (median) | "
              f"{statistics.median(p[1] - p[0] for p in parts):.0f} ms |")
        print(f"| of which lesson 07 + model in the server (median) | {statistics.median(server_ms):.0f} ms |")
        print(f"| of which shown on the next frame (median) | {statistics.median(p[2] - p[1] for p in parts):.0f} ms |")
    if misread:
        print("\nmisread: " + "; ".join(misread))
    return 0


if __name__ == "__main__":
    sys.exit(main())
