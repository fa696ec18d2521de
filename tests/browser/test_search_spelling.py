"""Search that forgives the spelling of names: a real build, the real Pagefind index, queries typed into the
header search box and the explorer in Chromium. "laegreid" finds "Lægreid", "oslo" finds "Oslo", and the
excerpts show neither permalink symbols nor the folded forms the site adds for search (``site/searchmarkup.py``),
nor the labels of the case header card run into its values ("Directionhorizontal")."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from casebook.site.searchmarkup import ALIASES_END, fold
from support import build, make_site
from support.browser import serve_directory
from support.content import BRIEF, synthetic

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
CASE = synthetic(TITLE, ["NO"], ["one-stop-shop"], ["employment-services"], 2006).replace("authors:", """\
coordination: {direction: ["horizontal", "vertical"], modes: ["hierarchy"], levels: ["national"]}
organisations:
  - {name: "Kvinnherad kommune", role: "Synthetic host"}
  - {name: "Arbeidsdirektoratet", acronym: "ADIR", role: "Synthetic partner"}
authors:""", 1).split("---\n")
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
    (root / "briefs").mkdir()
    (root / "briefs" / "synthetic-brief.md").write_text(BRIEF, encoding="utf-8")
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


#: The labels of the header cards of case and brief pages, and the link after the case's card: never indexed.
CARD_LABELS = ("Countries", "Policy areas", "Mechanisms", "Direction", "Modes", "Levels", "Period", "Organisations",
               "Authors", "Updated", "Type", "COCOPS criteria", "Compare with", "For", "Date")
#: The titles of the case and brief pages of the site: the pages with a header card.
TITLES = (TITLE, MARKER_TITLE, "A coordination minister for cross-cutting reforms", "A cross-sectoral social programme",
          "Synthetic brief on programme coordination")
#: Labels run into values, as Pagefind indexed the card's text when it was in the index.
RUN_TOGETHER = ("Directionhorizontal", "CountriesPolicy", "AuthorsTest", "Typeprofile", "ForProgramme", "Period2006")


def fragments(site_dir: Path) -> dict[str, str]:
    """The text Pagefind indexed, by page address."""
    found = {}
    for path in (site_dir / "pagefind" / "fragment").iterdir():
        fragment = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
        found[fragment["url"]] = fragment["content"]
    return found


def has_label(text: str) -> list[str]:
    """The labels of :data:`CARD_LABELS` that ``text`` holds as words, and any label run into its value."""
    return [label for label in CARD_LABELS if re.search(rf"\b{label}\b", text)] + [
        joined for joined in RUN_TOGETHER if joined in text]


def test_the_header_cards_labels_and_values_are_not_indexed_run_together(page: Any, site: tuple[str, Path]) -> None:
    for query in ("directionhorizontal", "modeshierarchy", "levelsnational", "countriespolicy", "typeprofile",
                  "hostarbeidsdirektoratet"):
        # No page holds the word. (Pagefind still offers pages for a part of it: "levels" in a case's text.)
        results = search(page, query)
        assert not [r for r in results if query in r[2].lower().replace(" ", "")], (query, results)
    indexed = fragments(site[1])
    for url in ("/cases/no-spelling/", "/cases/no-coordination-minister/", "/cases/mx-social-programme/",
                "/briefs/synthetic-brief/"):
        assert has_label(indexed[url]) == [], (url, indexed[url][:400])
    # Values the filters and the header card already show are not indexed as words either.
    assert "horizontal" not in indexed["/cases/no-spelling/"] and "Test Author" not in indexed["/cases/no-spelling/"]
    html = (site[1] / "cases/no-spelling/index.html").read_text("utf-8")
    assert "<dt data-pagefind-ignore>Direction</dt><dd data-pagefind-ignore>horizontal, vertical</dd>" in html


def test_the_cases_own_words_and_its_organisations_are_still_found(page: Any) -> None:
    for query, marked in (("coordination minister", "coordination"), ("Arbeidsdirektoratet", "Arbeidsdirektoratet"),
                          ("Kvinnherad", "Kvinnherad"), ("ADIR", "ADIR"), ("synthetic partner", "partner"),
                          ("Rykkja", "Rykkja")):
        found = search(page, query)
        assert found and marked in " ".join(r[2] for r in found), (query, found)
    assert search(page, "Arbeidsdirektoratet")[0][0] == TITLE
    assert search(page, "administrasjonsdepartementet")[0][0] == "A coordination minister for cross-cutting reforms"
    assert [r[0] for r in search(page, "agree the rules first")] == ["Synthetic brief on programme coordination"]


def test_excerpts_show_no_labels_of_the_header_card(page: Any) -> None:
    for query in ("synthetic fixture", "cross-cutting reforms", "synthetic host", "programme coordination"):
        results = [r for r in search(page, query) if r[0] in TITLES]
        assert results, query
        for title, excerpt, _ in results:
            assert has_label(excerpt) == [], (query, title, excerpt)
    # The organisations stay as separate words: one ends where the next begins.
    (excerpt,) = [e for t, e, _ in search(page, "Kvinnherad") if t == TITLE]
    assert "Synthetic host" in excerpt and "Arbeidsdirektoratet (ADIR)" in excerpt and has_label(excerpt) == []
