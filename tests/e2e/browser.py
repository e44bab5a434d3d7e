"""Launching the machine's own headless Chromium for browser tests (no browser download)."""

from __future__ import annotations

import shutil

from playwright.sync_api import Browser, Playwright

# Without the background-networking flags Chromium keeps trying to reach Google's hosts, which this
# closed network refuses; --no-sandbox because the tests may run as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch_chromium(pw: Playwright) -> Browser:
    """Start Debian's Chromium headless; fail with the fix when it is not installed."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise RuntimeError("Chromium is not installed: run `make system-deps` (apt-get install chromium)")
    return pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
