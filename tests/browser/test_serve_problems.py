"""Under a real ``mkdocs serve``, a broken case's URL shows its problems, and the real page once the file is fixed.

The maintainer's loop: save a case with an error, look at its page in the browser, fix it, save again. The
problems page (``site/problempages.py``) and the case page share the URL, so MkDocs' live reload takes the
browser from one to the other without a click. A build never has such a page.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from casebook.core.escape import html_text
from support import build, make_site, without_repository_link
from support.content import synthetic
from support.serve import MkDocsServer

pytestmark = [pytest.mark.build, pytest.mark.browser]

SLUG = "no-served-case"
TITLE = "A synthetic case served live"
PAYLOAD = "<img src=x onerror=alert(1)>"
GOOD = synthetic(TITLE, ["NO"], ["one-stop-shop"], ["health"], 2001)
BROKEN = synthetic(TITLE, ["NO"], [PAYLOAD], ["health"], 2001)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, MkDocsServer]]:
    # Without the search index: the page, not Pagefind, is under test. Without a repository link: Material would
    # ask api.github.com for its star count.
    site = make_site(tmp_path / "site", {f"{SLUG}.md": BROKEN})
    config = (without_repository_link(site) / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("  - casebook\n", "  - casebook:\n      search_index: false\n")
    (site / "mkdocs.yml").write_text(config, encoding="utf-8")
    server = MkDocsServer(site, tmp_path / "serve.log")
    try:
        server.wait_for("Serving on")
        yield site, server
    finally:
        server.stop()


def test_a_broken_case_shows_its_problems_and_the_page_comes_back_after_the_fix(
    browser: Any, served: tuple[Path, MkDocsServer]
) -> None:
    site, server = served
    case = site / "cases" / f"{SLUG}.md"
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        assert server.base.startswith(f"http://127.0.0.1:{server.port}/")
        response = page.goto(f"{server.base}cases/{SLUG}/", wait_until="load")
        assert response is not None and response.status == 200
        # The lines the server logs, on the page: FILE:LINE: CODE message, the contributor's text shown as text.
        logged = [line for line in server.log().splitlines() if f"cases/{SLUG}.md:" in line]
        assert logged and "E104" in logged[0]
        problem = logged[0][logged[0].index(f"cases/{SLUG}.md:"):]
        shown = page.locator("article pre").inner_text()
        assert problem in shown and PAYLOAD in shown
        assert page.locator("article h1").inner_text().startswith(f"Problems in cases/{SLUG}.md")
        assert page.locator("article img").count() == 0 and dialogs == []

        # Fixed: the live reload brings the real page to the same tab.
        case.write_text(GOOD, encoding="utf-8")
        page.wait_for_function(
            "title => document.querySelector('article h1') && "
            "document.querySelector('article h1').textContent.includes(title)",
            arg=TITLE, timeout=120_000,
        )
        assert "Problems in" not in page.content()

        # Broken again: the problems come back.
        case.write_text(BROKEN, encoding="utf-8")
        page.wait_for_function(
            "() => document.querySelector('article h1') && "
            "document.querySelector('article h1').textContent.startsWith('Problems in')",
            timeout=120_000,
        )
        assert dialogs == []
        assert "Traceback" not in server.log()
    finally:
        context.close()


def test_a_build_never_has_a_problems_page(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {f"{SLUG}.md": BROKEN})
    result = build(site)
    assert result.returncode == 1 and f"cases/{SLUG}.md:" in result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"], cwd=site, capture_output=True, text=True, timeout=600,
        env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000", NO_MKDOCS_2_WARNING="1"),
    )
    assert result.returncode == 0, result.stderr
    assert not (site / "site" / "cases" / SLUG).exists()
    for path in (site / "site").rglob("*.html"):
        assert "Problems in" not in path.read_text(encoding="utf-8"), path
    assert html_text(PAYLOAD) not in (site / "site" / "cases" / "index.html").read_text(encoding="utf-8")
