"""Finds and launches Chromium: ``CFAKEY_BROWSER_PATH``, else Playwright's own build where it is
installed, else a Chromium on PATH (the distribution's package)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Playwright, sync_playwright

from ._errors import ConfigError

# Chromium's own calls home fail on closed networks and only slow a robot down.
QUIET_FLAGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-quic",
]
_ON_PATH = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium(playwright: Playwright, configured: Path | None) -> Path | None:
    """The executable to launch, or None for Playwright's own (installed) build."""
    if configured is not None:
        if not configured.is_file():
            raise ConfigError(
                f"CFAKEY_BROWSER_PATH points to {configured}, which does not exist",
                hint="set it to a Chromium executable, or unset it",
            )
        return configured
    if Path(playwright.chromium.executable_path).is_file():
        return None
    for name in _ON_PATH:
        found = shutil.which(name)
        if found:
            return Path(found)
    raise ConfigError(
        "no Chromium found",
        hint="run `make setup`, or install Chromium and set CFAKEY_BROWSER_PATH",
    )


def launch_args() -> list[str]:
    args = list(QUIET_FLAGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to start its sandbox as root
    return args


@contextmanager
def open_browser(configured: Path | None = None, *, headed: bool = False) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        executable = find_chromium(playwright, configured)
        browser = playwright.chromium.launch(
            headless=not headed,
            executable_path=str(executable) if executable else None,
            args=launch_args(),
        )
        try:
            yield browser
        finally:
            browser.close()
