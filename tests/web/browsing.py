"""What the real-browser tests share: Debian's chromium, and a page that records errors.

The fixtures that serve the app and launch the browser are in ``conftest.py``; a browser
test module calls ``require_chromium()`` first, so it is skipped with a reason on a machine
without chromium, and fails in CI, where ``.ci/run`` installs it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "browser"


def require_chromium() -> None:
    """Skip the calling test module without Debian's chromium (outside CI)."""
    if os.path.exists(CHROMIUM):
        pytest.importorskip("playwright.sync_api")
        return
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)", allow_module_level=True)


class Page:
    """A browser page that records what the browser logged as errors; a context manager."""

    def __init__(self, browser, javascript: bool = True, phone: bool = False) -> None:
        size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        self.context = browser.new_context(
            java_script_enabled=javascript, viewport=size, is_mobile=phone, has_touch=phone
        )
        self.page = self.context.new_page()
        self.js = javascript
        self.errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", self._failed)

    def _failed(self, request) -> None:
        # a request cut short because the student clicked on (ERR_ABORTED) is no failure
        if request.failure != "net::ERR_ABORTED":
            self.errors.append(f"failed: {request.url} {request.failure}")

    def shot(self, name: str) -> None:
        """Keep a full-page screenshot under tests/artifacts/browser."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        """Close the page's browser context."""
        self.context.close()

    def __enter__(self) -> Page:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
