"""Ids made from contributed text, in Chromium: the theme's JavaScript starts on ``/bibliography/``, ``/briefs/``
and a brief's page although BibTeX keys and a brief's title are ids the theme reads (``__config``, ``__search``).

The keys are errors (E306), so the site is built without ``--strict``, as a maintainer who ignored the errors
would: the generated pages must still never carry those ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from support import make_site, run_mkdocs, without_repository_link
from support.browser import refuse_other_hosts, serve_directory
from support.content import THEME_ID_BRIEF

pytestmark = pytest.mark.browser

BIB = """\
@book{__config,
  title = {Material reads its configuration from this id},
  author = {Mallory, Eve},
  year = 2001
}

@book{__search,
  title = {The search toggle},
  author = {Mallory, Eve},
  year = 2002
}

@book{doe2020,
  title = {Pooled budgets},
  author = {Doe, Jane},
  year = 2020
}
"""

PAGES = ["bibliography/", "briefs/", "briefs/config-brief/"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = make_site(tmp_path_factory.mktemp("ids") / "site")
    (site / "bibliography.bib").write_text(BIB, encoding="utf-8")
    (site / "briefs").mkdir()
    (site / "briefs" / "config-brief.md").write_text(THEME_ID_BRIEF, encoding="utf-8")
    without_repository_link(site)
    result = run_mkdocs(site, "build")
    assert result.returncode == 0, result.stderr
    assert "bibliography.bib:1: E306 key '__config'" in result.stderr
    base, shutdown = serve_directory(site / "site")
    yield base
    shutdown()


@pytest.fixture(scope="module")
def tab(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    context = browser.new_context()
    foreign: list[str] = []

    refuse_other_hosts(context, foreign)
    page = context.new_page()
    yield page, foreign
    context.close()


@pytest.mark.parametrize("url", PAGES)
def test_the_theme_reads_its_own_configuration_and_starts(served: str, tab: tuple[Any, list[str]], url: str) -> None:
    page, foreign = tab
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(served + url, wait_until="load")
    # Material's bundle ran to its end (it sets document$ after reading its configuration). Polled with
    # evaluate(), which a Content-Security-Policy without 'unsafe-eval' allows.
    for _ in range(50):
        if page.evaluate("() => typeof window.document$") == "object":
            break
        page.wait_for_timeout(100)
    assert page.evaluate("() => typeof window.document$") == "object", errors
    assert page.evaluate("() => document.querySelector('#__config').tagName") == "SCRIPT"
    assert page.evaluate("() => document.querySelector('#__search').tagName") == "INPUT"
    assert errors == [] and foreign == []
