"""A reader in Chromium: from the home page to a country and on to a case; the catalogue sorts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from support import make_site
from support.browser import built_and_served
from support.content import CASES, HOSTILE

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = make_site(tmp_path_factory.mktemp("browse") / "s", CASES)
    yield from built_and_served(site)


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()
    assert dialogs == [], "a script from case content ran"


def test_home_to_country_to_case_by_clicking(served: str, tab: Any) -> None:
    tab.goto(served)
    tab.get_by_role("link", name="By country").click()
    tab.wait_for_url(f"{served}countries/")
    assert tab.locator("article h1").inner_text().startswith("Countries")
    tab.locator("article").get_by_role("link", name="Mexico", exact=True).click()
    tab.wait_for_url(f"{served}countries/mx/")
    tab.locator("article").get_by_role("link", name="A synthetic one-stop shop").first.click()
    tab.wait_for_url(f"{served}cases/mx-one-stop/")
    assert tab.locator("article h1").inner_text() == "A synthetic one-stop shop"
    # The header card links back to the country.
    assert tab.locator(".cb-card").get_by_role("link", name="Mexico").get_attribute("href") == "../../countries/mx/"


def test_hostile_title_is_text_in_the_browser(served: str, tab: Any) -> None:
    tab.goto(f"{served}cases/se-hostile-title/")
    assert tab.title().startswith(HOSTILE)
    assert tab.locator("article h1").inner_text() == HOSTILE
    tab.goto(f"{served}matrix/")
    # One cell for each of its two countries and two mechanisms, and the key below the table.
    assert tab.locator("article").get_by_role("link", name=HOSTILE, exact=True).count() == 5


def test_catalogue_sorts_by_a_column_from_the_keyboard(served: str, tab: Any) -> None:
    tab.goto(f"{served}cases/")

    def first_column(index: int) -> list[str]:
        return [s.strip() for s in tab.locator(f".cb-sortable tbody tr td:nth-child({index})").all_inner_texts()]

    assert first_column(1) == sorted(first_column(1), key=str.casefold)
    period = tab.get_by_role("button", name="Period")
    period.focus()
    tab.keyboard.press("Enter")
    assert tab.locator("th", has=period).get_attribute("aria-sort") == "ascending"
    starts = [int(p[:4]) for p in first_column(5)]
    assert starts == sorted(starts)
    tab.keyboard.press("Enter")
    assert tab.locator("th", has=period).get_attribute("aria-sort") == "descending"
    starts = [int(p[:4]) for p in first_column(5)]
    assert starts == sorted(starts, reverse=True)


def test_catalogue_is_a_plain_table_without_javascript(served: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{served}cases/")
    assert page.locator(".cb-sortable tbody tr").count() == 4
    assert page.get_by_role("button", name="Period").count() == 0
    context.close()


#: Sixteen more countries than the fixture's, each with one synthetic case: more countries than mechanisms, so
#: the matrix has a row per country and a column per mechanism used, too wide for a phone.
WIDE_CODES = ["AT", "BE", "CH", "CZ", "DK", "EE", "FI", "HR", "HU", "IS", "LT", "LV", "NL", "PL", "SI", "SK"]
WIDE_MECHANISMS = ["task-force", "network", "review", "strategic-unit", "joint-entity", "super-network"]


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from support.content import synthetic

    cases = {
        f"{code.lower()}-wide.md": synthetic(
            f"Synthetic wide case {code}", [code], [WIDE_MECHANISMS[i % len(WIDE_MECHANISMS)]], ["health"], 2000
        )
        for i, code in enumerate(WIDE_CODES)
    }
    site = make_site(tmp_path_factory.mktemp("wide") / "s", {**CASES, **cases})
    yield from built_and_served(site)


@pytest.mark.parametrize("which", ["served", "wide"])
def test_matrix_fits_a_phone_and_scrolls_inside_its_box(which: str, request: Any, browser: Any) -> None:
    base = request.getfixturevalue(which)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        tab = context.new_page()
        tab.goto(f"{base}matrix/")
        assert tab.evaluate("document.documentElement.scrollWidth <= innerWidth")
        box = tab.locator(".cb-matrix")
        assert box.get_attribute("role") == "region" and box.get_attribute("tabindex") == "0"
        first_column = tab.locator(".cb-matrix tbody th").first
        if which == "served":
            # Three countries, more mechanisms: a row per mechanism, and the table fits.
            assert tab.locator(".cb-matrix thead th").count() == 4
            assert first_column.get_by_role("link").get_attribute("href", timeout=1000).startswith("../mechanisms/")
            return
        assert tab.locator(".cb-matrix tbody tr").count() == len(WIDE_CODES) + 3  # a row per country
        overflow = box.evaluate("b => b.scrollWidth - b.clientWidth")
        assert overflow > 100  # the table is wider than the phone: it scrolls inside its box, not the page
        before = first_column.bounding_box()
        box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
        assert box.evaluate("b => b.scrollLeft") > 100
        after = first_column.bounding_box()
        assert before is not None and after is not None
        assert abs(after["x"] - before["x"]) < 1  # the first column stays in place
        assert tab.evaluate("document.documentElement.scrollWidth <= innerWidth")
        assert tab.locator(".cb-scroll-hint").is_visible()
    finally:
        context.close()
