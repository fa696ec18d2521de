"""The explorer in Chromium: ticking cases to compare them, and "Cite this selection", whose downloads are captured
and parsed (pybtex for the .bib, csv for the .csv) against each case's "Cite this case" and ``/data/cases.csv``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pybtex.database import parse_string

from support import copy_real_content
from support.browser import built_and_served, watched
from support.compare import compare_site, serious_violations
from support.readers import formula_cells

pytestmark = pytest.mark.browser

DE, DK, NO = "de-one-stop-jobcentre", "dk-shared-source", "no-formula-values"
DE_TITLE, DK_TITLE = "One-stop jobcentres for the long-term unemployed", "A synthetic job-centre merger"
#: The cases the explorer shows for ?country=NO: Norway's, and the hostile case that names Sweden and Norway.
NORWAY = ["no-coordination-minister", NO, "se-hostile-title"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from built_and_served(compare_site(tmp_path_factory.mktemp("browser-cite") / "site"))


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from built_and_served(copy_real_content(tmp_path_factory.mktemp("browser-cite-real") / "site"))


def new_tab(browser: Any, base: str, **options: Any) -> tuple[Any, Any]:
    context = browser.new_context(accept_downloads=True, **options)
    return context, watched(context, base)


@pytest.fixture
def tab(browser: Any, served: str) -> Iterator[Any]:
    context, page = new_tab(browser, served, viewport={"width": 1280, "height": 900})
    yield page
    assert page.outside == [] and page.errors == [] and page.dialogs == []
    context.close()


def open_explorer(page: Any, base: str, query: str = "") -> None:
    page.goto(base + "explore/" + query)
    page.wait_for_selector(".cb-exsel__bar")


def tick(page: Any, slug: str) -> None:
    page.locator(f".cb-ex__case[data-slug='{slug}'] .cb-exsel__box").check()


def download(page: Any, which: str, kind: str) -> tuple[str, str]:
    """Click the BibTeX or CSV button of ``which`` ("shown" or "ticked"); the file's name and text."""
    group = page.locator(f".cb-exsel__row:has(#cb-exsel-cite-{which})")
    with page.expect_download() as info:
        group.get_by_role("button", name=kind).click()
    saved = info.value
    return saved.suggested_filename, Path(saved.path()).read_text(encoding="utf-8")


def case_bibtex(page: Any, base: str, slug: str) -> str:
    """The BibTeX that the case page's "Cite this case" shows."""
    page.goto(f"{base}cases/{slug}/")
    return str(page.locator(".cb-cite-bibtex code").text_content()) + "\n"


def test_ticking_two_cases_opens_them_side_by_side(tab: Any, served: str) -> None:
    open_explorer(tab, served)
    assert tab.locator(".cb-exsel__box").count() == 7 and tab.get_by_role("link", name="Compare the ticked cases") \
        .is_hidden()
    tick(tab, DE)
    assert "Tick one to three more" in tab.inner_text(".cb-exsel__text")
    tab.check("input[name=country][value=DK]")  # ticks outlive the filters
    tick(tab, DK)
    tab.uncheck("input[name=country][value=DK]")
    assert tab.locator(f".cb-ex__case[data-slug='{DE}'] .cb-exsel__box").is_checked()
    assert tab.inner_text(".cb-exsel__text") == f"Ticked: “{DE_TITLE}”, “{DK_TITLE}”."
    tab.get_by_role("link", name="Compare the ticked cases").click()
    tab.wait_for_url(f"{served}compare/?cases={DE},{DK}")
    tab.wait_for_selector(".cb-cmp__table")
    assert tab.locator(".cb-cmp__table thead th a").all_inner_texts() == [DE_TITLE, DK_TITLE]
    # Back in the explorer, the ticks are as they were (kept for this tab only).
    tab.go_back()
    tab.wait_for_selector(".cb-exsel__bar")
    assert tab.inner_text(".cb-exsel__text") == f"Ticked: “{DE_TITLE}”, “{DK_TITLE}”."
    assert tab.locator(".cb-exsel__box:checked").count() == 2
    tab.reload()  # not only the browser's page cache: a new load of the explorer keeps them too
    tab.wait_for_selector(".cb-exsel__bar")
    assert tab.locator(".cb-exsel__box:checked").count() == 2
    tab.get_by_role("button", name="Untick all").click()
    tab.reload()
    tab.wait_for_selector(".cb-exsel__bar")
    assert tab.locator(".cb-exsel__box:checked").count() == 0


def test_at_most_four_cases_can_be_ticked_and_the_keyboard_ticks_them(tab: Any, served: str) -> None:
    open_explorer(tab, served)
    box = tab.locator(f".cb-ex__case[data-slug='{DE}'] .cb-exsel__box")
    box.focus()
    assert tab.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    tab.keyboard.press("Space")
    assert box.is_checked()
    assert tab.get_by_label(f"Compare “{DE_TITLE}”").is_checked()  # each box is named after its case
    for slug in (DK, NO, "gt-health-results"):
        tick(tab, slug)
    assert tab.locator(".cb-exsel__box:disabled").count() == 3
    tab.get_by_role("button", name="Untick all").click()
    assert tab.locator(".cb-exsel__box:checked").count() == 0 and tab.locator(".cb-exsel__box:disabled").count() == 0


def test_cite_this_selection_downloads_the_case_pages_bibtex(tab: Any, served: str) -> None:
    open_explorer(tab, served, "?country=NO")
    assert sorted(tab.locator(".cb-ex__case").evaluate_all("els => els.map(e => e.dataset.slug)")) == NORWAY
    assert tab.inner_text("#cb-exsel-cite-shown") == "The 3 cases shown:"
    name, text = download(tab, "shown", "BibTeX")
    assert name.endswith(".bib")
    assert "Downloaded 3 cases as BibTeX." in tab.inner_text(".cb-exsel__said")
    # The selection's entries are the case pages' "Cite this case", byte for byte, in cases.csv's order.
    pages = [case_bibtex(tab, served, slug) for slug in NORWAY]
    assert text == "\n".join(pages)
    entries = parse_string(text, "bibtex").entries
    assert list(entries) == [f"casebook-{slug}" for slug in NORWAY]
    for page in pages:
        [(key, alone)] = parse_string(page, "bibtex").entries.items()
        assert dict(entries[key].fields) == dict(alone.fields)
        assert [str(p) for p in entries[key].persons["author"]] == [str(p) for p in alone.persons["author"]]
    assert entries[f"casebook-{NO}"].fields["title"].startswith("{Budget pooling;=2*21;in Norway \\textbraceleft{}")


def test_cite_this_selection_downloads_the_lines_of_cases_csv(tab: Any, served: str) -> None:
    open_explorer(tab, served, "?country=NO")
    name, text = download(tab, "shown", "CSV")
    assert name.endswith(".csv")
    published = tab.request.get(served + "data/cases.csv").text()
    lines = published.splitlines(keepends=True)
    rows = {row.split(",", 1)[0]: row for row in lines[1:] if not row.startswith('"')}
    assert text == lines[0] + "".join(rows[slug] for slug in NORWAY)
    parsed = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["slug"] for r in parsed] == NORWAY
    assert parsed[1]["title"] == "Budget pooling;'=2*21;in Norway {with} braces, \\emph{x} and \"quotes\""
    assert formula_cells(text) == []  # no part of a cell is a formula, under ',', ';' or a tab
    # The ticked cases, whatever the filters show.
    tick(tab, NO)
    tab.uncheck("input[name=country][value=NO]")
    tab.check("input[name=country][value=DE]")
    tick(tab, DE)
    assert tab.inner_text("#cb-exsel-cite-ticked") == "The 2 cases ticked:"
    _, ticked = download(tab, "ticked", "CSV")
    assert [r["slug"] for r in csv.DictReader(io.StringIO(ticked, newline=""))] == [DE, NO]
    _, bib = download(tab, "ticked", "BibTeX")
    assert list(parse_string(bib, "bibtex").entries) == [f"casebook-{DE}", f"casebook-{NO}"]


def test_with_nothing_shown_there_is_nothing_to_download(tab: Any, served: str) -> None:
    open_explorer(tab, served, "?country=DK&policy=health")  # Denmark's case is about employment services
    tab.wait_for_selector(".cb-ex__status:has-text('0 cases')")
    assert tab.inner_text("#cb-exsel-cite-shown") == "The 0 cases shown:"
    assert tab.locator(".cb-exsel__row:has(#cb-exsel-cite-shown) button:disabled").count() == 2


def test_the_explorer_with_its_compare_and_cite_controls_has_no_serious_violation(tab: Any, served: str) -> None:
    open_explorer(tab, served)
    tick(tab, DE)
    serious = serious_violations(tab)
    assert serious == [], "\n".join(f"{rule} ({impact}): {nodes}" for rule, impact, nodes in serious)
    # Focused, each button keeps its contrast (Material's focus colour alone gives white text 4.25:1).
    buttons = tab.locator(".cb-exsel__bar .md-button:enabled")
    assert buttons.count() >= 3
    for i in range(buttons.count()):
        buttons.nth(i).focus()
        tab.wait_for_timeout(400)  # Material's colour transition takes .25 s
        serious = serious_violations(tab)
        assert serious == [], "\n".join(f"{rule} ({impact}): {nodes}" for rule, impact, nodes in serious)


def test_the_controls_fit_a_phone(browser: Any, served: str) -> None:
    context, page = new_tab(browser, served, viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        open_explorer(page, served)
        # The controls follow the list in the page's order too, so the keyboard meets them where the eye does.
        assert page.evaluate("""() => { const bar = document.querySelector('.cb-exsel__bar');
            const list = document.querySelector('.cb-ex__results');
            return !!(list.compareDocumentPosition(bar) & Node.DOCUMENT_POSITION_FOLLOWING); }""")
        tick(page, DE)
        # A screen reader hears what the tick did.
        said = page.locator("#cb-exsel-compare-text")
        assert said.get_attribute("aria-live") == "polite" and said.inner_text().startswith("Ticked:")
        tick(page, DK)
        go = page.get_by_role("link", name="Compare the ticked cases")
        assert go.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # Scrolled back to the first case, the link is still on the screen, at its bottom, beside the ticks.
        page.locator(".cb-ex__case").first.scroll_into_view_if_needed()
        page.evaluate("window.scrollTo(0, 0)")
        box = go.bounding_box()
        assert box is not None and 844 - 120 < box["y"] and box["y"] + box["height"] <= 844, box
        # And the last case is not hidden under it.
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        last = page.locator(".cb-exsel__tick").last.bounding_box()
        panel = page.locator(".cb-exsel__compare").bounding_box()
        assert last is not None and panel is not None and last["y"] + last["height"] <= panel["y"], (last, panel)
        assert page.errors == [] and page.outside == []
    finally:
        context.close()


def test_real_cases_cite_as_their_pages_do(browser: Any, real: str) -> None:
    context, page = new_tab(browser, real, viewport={"width": 1280, "height": 900})
    try:
        open_explorer(page, real, "?country=NO")
        shown = page.locator(".cb-ex__case").evaluate_all("els => els.map(e => e.dataset.slug)")
        assert len(shown) >= 3 and all(slug.startswith("no-") for slug in shown)
        _, text = download(page, "shown", "BibTeX")
        _, table = download(page, "shown", "CSV")
        published = page.request.get(real + "data/cases.csv").text()
        assert text == "\n".join(case_bibtex(page, real, slug) for slug in sorted(shown))
        assert list(parse_string(text, "bibtex").entries) == [f"casebook-{slug}" for slug in sorted(shown)]
        parsed = list(csv.DictReader(io.StringIO(table, newline="")))
        full = {r["slug"]: r for r in csv.DictReader(io.StringIO(published, newline=""))}
        assert parsed == [full[slug] for slug in sorted(shown)]
        assert table.split("\n", 1)[0] == published.split("\n", 1)[0]
        assert page.errors == [] and page.outside == []
    finally:
        context.close()
