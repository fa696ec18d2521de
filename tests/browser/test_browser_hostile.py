"""The hostile-input site in Chromium: no dialog opens, no script from content runs, nothing leaves 127.0.0.1."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.browser import hover_everywhere, refuse_other_hosts, serve_directory
from support.hostile import ACCEPTED

pytestmark = pytest.mark.browser

#: Pages that show hostile text: every accepted case and the listings that name them.
PAGES = [f"cases/{a.name.removesuffix('.md')}/" for a in ACCEPTED] + [
    "", "cases/", "countries/", "countries/mx/", "mechanisms/one-stop-shop/", "policy-areas/health/", "matrix/",
    "bibliography/",
]


@pytest.fixture(scope="module")
def served(hostile_site: tuple[Path, object]) -> Iterator[tuple[str, Path]]:
    site, _ = hostile_site
    base, shutdown = serve_directory(site / "site")
    yield base, site / "site"
    shutdown()


@pytest.fixture(scope="module")
def tab(browser: Any) -> Iterator[tuple[Any, list[str], list[str]]]:
    context = browser.new_context()
    dialogs: list[str] = []
    foreign: list[str] = []

    refuse_other_hosts(context, foreign)
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page, dialogs, foreign
    context.close()


def _static_title(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    match = re.search(r"<title>(.*?)</title>", text, re.S)
    assert match
    return html.unescape(match.group(1)).strip()


@pytest.mark.parametrize("url", PAGES)
def test_no_script_from_content_runs(served: tuple[str, Path], tab: tuple[Any, list[str], list[str]], url: str) -> None:
    base, out = served
    page, dialogs, foreign = tab
    page.goto(base + url, wait_until="load")
    hover_everywhere(page)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(50)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.title() == _static_title(out / url / "index.html")
    assert dialogs == [], "a script from case content opened a dialog"
    assert foreign == [], "the page asked a host other than 127.0.0.1"
    # The page's scripts are the site's own: none inline in the content.
    assert page.locator("article script").count() == 0
