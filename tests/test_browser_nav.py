"""A reader in Chromium: from the home page to a country and on to a case; the catalogue sorts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from conftest import build, make_site, serve_directory
from test_site import CASES, HOSTILE

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = make_site(tmp_path_factory.mktemp("browse") / "s", CASES)
    result = build(site)
    assert result.returncode == 0, result.stderr
    base, shutdown = serve_directory(site / "site")
    yield base
    shutdown()


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
    tab.locator("article").get_by_role("link", name="Mexico").click()
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
