"""Debian's Chromium, as the course's browser tests and benches launch it with Playwright.

Never a browser Playwright downloads (this machine and CI have no internet): the system's
`/usr/bin/chromium`, started headless with the network features that would call out turned off.
"""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
]
