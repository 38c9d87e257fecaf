"""A real headless Chromium for the dashboard's browser tests: Debian's `chromium`, driven through
Playwright with that executable (Playwright never downloads a browser here).

`make test` and .ci/run install the package when it is missing; a test skips, saying why, only
when there is no Chromium and none could be installed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"  # git-ignored; for a reviewer
PHONE = {"width": 390, "height": 844}
LIGHT = {
    "bg_color": "#ffffff",
    "text_color": "#000000",
    "hint_color": "#707579",
    "link_color": "#3390ec",
    "button_color": "#3390ec",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#f4f4f5",
}
DARK = {
    "bg_color": "#212121",
    "text_color": "#ffffff",
    "hint_color": "#aaaaaa",
    "link_color": "#8774e1",
    "button_color": "#8774e1",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#181818",
}


def chromium() -> str | None:
    """The system's Chromium, installed with apt-get first when missing and we may."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return found
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        subprocess.run(
            command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        )
    return shutil.which("chromium")


class InThread:
    """A Playwright object used from a test: each call runs on the browser's own thread.

    Playwright's synchronous API runs an event loop of its own, which can't share the test's
    thread with pytest-asyncio's; so the browser lives on one worker thread, and this proxy
    sends every call there and wraps what comes back (a page, a locator) the same way."""

    def __init__(self, target: Any, pool: ThreadPoolExecutor) -> None:
        self._target, self._pool = target, pool

    def __getattr__(self, name: str) -> Any:
        found = self._pool.submit(getattr, self._target, name).result()
        if not callable(found):
            return found

        def call(*args: Any, **kwargs: Any) -> Any:
            result = self._pool.submit(found, *args, **kwargs).result()
            if type(result).__module__.startswith("playwright"):
                return InThread(result, self._pool)
            return result

        return call


@contextlib.contextmanager
def headless_chromium(executable: str) -> Iterator[InThread]:
    from playwright.sync_api import sync_playwright  # a dev dependency: imported where used

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chromium")
    driver = pool.submit(lambda: sync_playwright().start()).result()
    browser = pool.submit(
        lambda: driver.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox"])
    ).result()
    try:
        yield InThread(browser, pool)
    finally:
        pool.submit(browser.close).result()
        pool.submit(driver.stop).result()
        pool.shutdown()
