"""Drafts in the preview: the real ``mkdocs serve`` shows them wherever a published case would be (home, list of
cases, countries, map, explorer, search, the comparison view, "Cite this selection"), marked as drafts, with counts
that agree; the real build of the same site has none of them."""

from __future__ import annotations

import gzip
import json
import re
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support import build, make_site, without_repository_link
from support.content import synthetic
from support.serve import MkDocsServer

pytestmark = [pytest.mark.build, pytest.mark.browser]

DRAFT_TITLE = "Draft fixture case"  # tests/fixtures/site/cases/gt-draft-case.md: Guatemala, only a draft
SECOND_DRAFT = "A second draft, in Norway"
NO_DRAFT = synthetic(SECOND_DRAFT, ["NO"], ["task-force"], ["health"], 2011).replace(
    'status: "published"', 'status: "draft"')
#: The fixture's two published cases (Mexico, Norway) and its draft (Guatemala), plus a draft in Norway.
CASES, COUNTRIES = 4, 3


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_site(tmp_path_factory.mktemp("preview") / "site", {"no-second-draft.md": NO_DRAFT})
    without_repository_link(root)
    return root


@pytest.fixture(scope="module")
def preview(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``mkdocs serve`` of the site, once its search index (built in the background) is there."""
    server = MkDocsServer(site, tmp_path_factory.mktemp("serve") / "serve.log")
    base = f"http://127.0.0.1:{server.port}/casebook/"  # the fixture's site_url has a path
    try:
        deadline = time.monotonic() + 240
        while True:
            assert server.process.poll() is None, server.log()[-3000:]
            assert time.monotonic() < deadline, server.log()[-3000:]
            try:
                with urllib.request.urlopen(base + "pagefind/pagefind-entry.json", timeout=10) as entry:
                    if b'"languages"' in entry.read():
                        break
            except OSError:
                time.sleep(0.5)
        yield base
    finally:
        server.stop()


@pytest.fixture
def tab(browser: Any, preview: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    assert errors == []
    context.close()


def test_the_preview_shows_drafts_everywhere_marked_with_counts_that_agree(tab: Any, preview: str) -> None:
    tab.goto(preview)
    assert tab.inner_text(".cb-counts").startswith(f"{CASES} cases from {COUNTRIES} countries")
    tab.goto(preview + "cases/")
    assert tab.inner_text("caption") == f"{CASES} cases"
    assert tab.locator("tr:has-text('Draft fixture case') .cb-badge").inner_text() == "DRAFT"
    tab.goto(preview + "countries/")
    assert f"{COUNTRIES} countries with at least one case" in tab.inner_text("article")
    marked = tab.eval_on_selector_all(".cb-map a.cb-map__draft", "els => els.map(e => e.getAttribute('aria-label'))")
    assert marked == ["Guatemala: 1 case (1 draft)", "Norway: 2 cases (1 draft)"]
    assert tab.locator(".cb-map a").count() == COUNTRIES
    assert "drafts included" in tab.inner_text(".cb-map-figure figcaption")

    tab.goto(preview + "explore/")
    tab.wait_for_selector(".cb-ex__case")
    assert tab.inner_text(".cb-ex__status") == f"{CASES} cases of {CASES}"
    drafts = tab.eval_on_selector_all(".cb-ex__case h3:has(.cb-badge)", "els => els.map(e => e.textContent)")
    assert sorted(drafts) == sorted([f"{SECOND_DRAFT}DRAFT", f"{DRAFT_TITLE}DRAFT"])
    tab.check("input[name=country][value=GT]")  # a country only a draft has is a value to tick
    assert tab.inner_text(".cb-ex__status") == f"1 case of {CASES}"


def test_the_preview_searches_drafts_and_marks_them(tab: Any, preview: str) -> None:
    tab.goto(preview)
    tab.fill("#cb-search-input", "zanzibarquux")  # a word only in the draft's body
    tab.wait_for_selector(".cb-search__list li")
    result = tab.locator(".cb-search__list li").first
    assert result.locator("a").inner_text() == DRAFT_TITLE and result.locator(".cb-badge").inner_text() == "DRAFT"
    tab.goto(preview + "explore/?q=zanzibarquux")
    tab.wait_for_function("() => /^1 case of/.test((document.querySelector('.cb-ex__status') || {}).textContent)")
    assert tab.locator(".cb-ex__case h3 a").all_inner_texts() == [DRAFT_TITLE]


def test_the_preview_compares_and_cites_drafts_marked_as_drafts(tab: Any, preview: str) -> None:
    tab.goto(preview + "cases/gt-draft-case/")
    tab.click("text=Compare with…")
    tab.wait_for_selector(".cb-cmp__option")
    assert tab.locator(".cb-cmp__option:has-text('Draft fixture case') .cb-badge").inner_text() == "DRAFT"
    tab.check(".cb-cmp__option:has-text('A coordination minister') input")
    tab.wait_for_selector(".cb-cmp__table")
    heads = tab.locator(".cb-cmp__table thead th").all_inner_texts()
    assert DRAFT_TITLE in heads[1] and "DRAFT" in heads[1] and "DRAFT" not in heads[2]
    # The explorer's "Cite this selection" has the drafts it lists.
    cite = json.loads(urllib.request.urlopen(preview + "explore/cite.json", timeout=10).read())
    assert {"gt-draft-case", "no-second-draft"} <= set(cite["cases"])


def test_a_build_of_the_same_site_has_no_draft(site: Path, preview: str) -> None:
    # After the preview (the fixture is shared): the build replaces the folder serve wrote to its own place.
    result = build(site)
    assert result.returncode == 0, result.stderr
    out = site / "site"
    explorer = json.loads((out / "explore/cases.json").read_text("utf-8"))
    assert sorted(c["slug"] for c in explorer["cases"]) == ["mx-social-programme", "no-coordination-minister"]
    assert not any("draft" in c for c in explorer["cases"])
    countries = (out / "countries/index.html").read_text("utf-8")
    assert "Guatemala" not in countries and "cb-map__draft" not in countries and "drafts included" not in countries
    assert re.search(r'aria-label="Norway: 1 case"', countries)
    index = b"".join(gzip.decompress(p.read_bytes()) for p in (out / "pagefind" / "fragment").iterdir())
    assert b"zanzibarquux" not in index and SECOND_DRAFT.encode() not in index
    pages = "".join(p.read_text("utf-8", "replace") for p in out.rglob("*.html"))
    assert DRAFT_TITLE not in pages and SECOND_DRAFT not in pages and "DRAFT" not in pages
