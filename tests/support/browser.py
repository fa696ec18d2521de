"""Browser tests: a static server on 127.0.0.1 and Debian's Chromium, driven by Playwright.

The ``browser`` fixture in ``conftest.py`` launches Chromium from here; ``scripts/search_bytes.py`` uses the same
server and flags.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CHROMIUM = os.environ.get("CASEBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve_directory(directory: Path) -> tuple[str, Callable[[], None]]:
    """Serve ``directory`` on 127.0.0.1 in a thread; returns (base_url, shutdown)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def shutdown() -> None:
        server.shutdown()
        server.server_close()  # an unclosed socket is a ResourceWarning, an error under filterwarnings=error
        thread.join()

    return f"http://127.0.0.1:{server.server_address[1]}/", shutdown


def refuse_other_hosts(context: Any, foreign: list[str]) -> None:
    """Abort every request of a Playwright ``context`` that leaves 127.0.0.1, noting its URL in ``foreign``."""

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if urlsplit(url).hostname != "127.0.0.1":
            foreign.append(url)
            request_route.abort()
        else:
            request_route.continue_()

    context.route("**/*", route)


def built_and_served(site: Path) -> Iterator[str]:
    """Build ``site`` with the real MkDocs (``--strict``), serve what it wrote, yield its address, then stop."""
    from support import build

    result = build(site)
    assert result.returncode == 0, result.stderr
    base, shutdown = serve_directory(site / "site")
    yield base
    shutdown()


def hover_everywhere(page: Any) -> None:
    """Move the mouse over the whole viewport and open every ``<details>`` of the article: give handlers that
    content might have planted their chance to run."""
    size = page.viewport_size or {"width": 1280, "height": 720}
    for x in range(0, size["width"], 160):
        for y in range(0, size["height"], 120):
            page.mouse.move(x, y)
    for summary in page.locator("article summary").all():
        summary.click()


def watched(context: Any, base: str) -> Any:
    """A new page of ``context`` that records script errors, dialogs and any request that is not to ``base``
    (``page.errors``, ``page.dialogs``, ``page.outside``)."""
    page = context.new_page()
    page.outside, page.errors, page.dialogs = [], [], []
    page.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:")) else page.outside.append(r.url))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    return page
