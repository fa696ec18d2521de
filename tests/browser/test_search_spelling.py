"""Search that forgives the spelling of names: a real build, the real Pagefind index, queries typed into the
header search box and the explorer in Chromium. "laegreid" finds "Lægreid", "oslo" finds "Oslo", and the
excerpts show neither permalink symbols nor the folded forms the site adds for search (``site/searchmarkup.py``)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from casebook.site.searchmarkup import ALIASES_END, fold
from support import build, make_site
from support.browser import serve_directory
from support.content import synthetic

pytestmark = pytest.mark.browser

TITLE = "Synthetic welfare offices in Norway"
BODY = """
## Country background

Synthetic text: the practice was described by Per Lægreid and Lise Rykkja, with a note by Søren Ærø, in a
report from the University of Oslo. Synthetic filler words follow to give the section some length for the
excerpts, so that a match has words before and after it in every excerpt that search shows to its readers.

## The coordination practice

Synthetic text about shared offices, where the coordination minister met the Pôle emploi delegation.

## Effects

""" + "Synthetic filler sentence about offices that serve the unemployed in one place. " * 30 + "\n"
CASE = synthetic(TITLE, ["NO"], ["one-stop-shop"], ["employment-services"], 2006).split("---\n")
CASE = "---\n".join(CASE[:2]) + "---\n" + BODY
#: A case whose own text holds the character that ends the aliases, and no alias: excerpts stay whole.
MARKER_TITLE = "Synthetic case with an invisible separator"
MARKER_CASE = synthetic(MARKER_TITLE, ["SE"], ["task-force"], ["health"], 2001).replace(
    "Synthetic fixture text for tests only.",
    f"synthetic words before{ALIASES_END} the quokkafence and after it, all in plain ASCII.")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = make_site(tmp_path_factory.mktemp("spelling") / "site",
                     {"no-spelling.md": CASE, "se-marker.md": MARKER_CASE})
    result = build(root)
    assert result.returncode == 0, result.stderr
    url, shutdown = serve_directory(root / "site")
    yield url, root / "site"
    shutdown()


@pytest.fixture
def page(browser: Any, site: tuple[str, Path]) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(site[0])
    yield tab
    assert errors == []
    context.close()


def search(page: Any, query: str) -> list[tuple[str, str, str]]:
    """(title, excerpt text, marked words) of each result of the header search box."""
    page.fill("#cb-search-input", "")
    page.fill("#cb-search-input", query)
    page.wait_for_function(
        "q => { const s = document.querySelector('.cb-search__status'); const box = document.querySelector("
        "'#cb-search-input'); return s && !document.querySelector('.cb-search__results').hidden && box.value === q "
        "&& /found/.test(s.textContent); }", arg=query)
    page.wait_for_timeout(400)  # the debounced search settles on the last query
    return page.evaluate("""() => [...document.querySelectorAll('.cb-search__list li')].map(li => [
        li.querySelector('a').textContent, li.querySelector('.cb-search__excerpt').textContent,
        [...li.querySelectorAll('mark')].map(m => m.textContent).join(' ')])""")


def test_laegreid_finds_laegreid_and_the_excerpt_shows_the_name_as_written(page: Any) -> None:
    results = search(page, "laegreid")
    assert results and results[0][0] == TITLE, results
    _, excerpt, marked = results[0]
    assert "Lægreid" in marked and "Per Lægreid and Lise Rykkja" in excerpt
    for alias in ("laegreid", "soeren", "aeroe", ALIASES_END):
        assert alias not in excerpt, (alias, excerpt)
    assert search(page, "Lægreid")[0][0] == TITLE


def test_oslo_finds_oslo_and_transliterated_names_find_theirs(page: Any) -> None:
    results = search(page, "oslo")
    assert results[0][0] == TITLE and "Oslo" in results[0][2]
    for query, written in (("soeren", "Søren"), ("soren", "Søren"), ("aero", "Ærø"), ("pole emploi", "Pôle")):
        found = search(page, query)
        assert found and found[0][0] == TITLE and written in found[0][2], (query, found)


def test_no_excerpt_shows_a_permalink_symbol(page: Any, site: tuple[str, Path]) -> None:
    for query in ("country background", "coordination practice", "synthetic"):
        for title, excerpt, _ in search(page, query):
            assert "¶" not in excerpt, (query, title, excerpt)
    # Nowhere in the index: Pagefind leaves out the headings' permalinks (adapter/pagefind.py).
    fragments = [json.loads(gzip.decompress(p.read_bytes())[len(b"pagefind_dcd"):])
                 for p in (site[1] / "pagefind" / "fragment").iterdir()]
    assert fragments and not [f["url"] for f in fragments if "¶" in f["content"]]
    html = (site[1] / "cases/no-spelling/index.html").read_text("utf-8")
    assert 'class="headerlink"' in html  # the permalinks are still on the page


def test_the_browser_folds_as_the_site_does(page: Any) -> None:
    words = ["Lægreid", "Søren", "Ærø", "Müller", "Straße", "Łódź", "Þórður", "Ålesund", "Pôle", "OSLO", "İzmir"]
    for spelled in (False, True):
        folded = page.evaluate("([ws, s]) => ws.map(w => window.casebookFold(w, s))", [words, spelled])
        assert folded == [fold(w, spelled=spelled) for w in words]


def test_the_explorer_finds_the_case_by_a_folded_name(page: Any, site: tuple[str, Path]) -> None:
    page.goto(site[0] + "explore/?q=laegreid")
    page.wait_for_function("() => /^1 case of/.test((document.querySelector('.cb-ex__status') || {}).textContent)")
    assert page.locator(".cb-ex__case h3").all_inner_texts() == [TITLE]


def test_the_aliases_marker_in_a_pages_own_text_does_not_cut_its_excerpt(page: Any) -> None:
    results = search(page, "quokkafence")
    assert [r[0] for r in results] == [MARKER_TITLE]
    assert "synthetic words before" in results[0][1] and "the quokkafence and after it" in results[0][1]
