"""The explorer's layout: on a phone the results come first and the filters wait behind a button, usable from the
keyboard; on a desktop the filters stay beside the results (``test_visual.py`` compares both with references)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from support import build, make_site
from support.browser import serve_directory
from support.readers import EXTRA_CASES

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = make_site(tmp_path_factory.mktemp("explorer-layout") / "site", EXTRA_CASES)
    result = build(site)
    assert result.returncode == 0, result.stderr
    url, shutdown = serve_directory(site / "site")
    yield url
    shutdown()


def explorer(browser: Any, base_url: str, viewport: dict[str, int]) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base_url + "explore/")
    page.wait_for_selector(".cb-ex__case")
    return context, page, errors


def test_on_a_phone_the_results_come_first_and_the_filters_wait_behind_a_button(browser: Any, base_url: str) -> None:
    context, page, errors = explorer(browser, base_url, PHONE)
    try:
        first = page.locator(".cb-ex__case").first.bounding_box()
        assert first["y"] + 40 < PHONE["height"], first  # the first result is on the first screen
        toggle = page.locator(".cb-ex__toggle")
        assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        assert toggle.get_attribute("aria-controls") == "cb-ex-filters" and toggle.inner_text().startswith("Filters")
        assert not page.locator("#cb-ex-filters").is_visible()
        assert not page.locator("input[name=country]").first.is_visible()
        assert page.locator("#cb-ex-q").is_visible()  # the words box stays out of the panel
        toggle.click()
        assert page.locator("#cb-ex-filters").is_visible() and toggle.get_attribute("aria-expanded") == "true"
        panel = page.locator("#cb-ex-filters").bounding_box()
        assert panel["y"] < page.locator(".cb-ex__output").bounding_box()["y"]  # opened above the results
        assert errors == []
    finally:
        context.close()


def test_the_filter_panel_works_from_the_keyboard(browser: Any, base_url: str) -> None:
    context, page, errors = explorer(browser, base_url, PHONE)
    try:
        page.focus("#cb-ex-q")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.classList.contains('cb-ex__toggle')")
        page.keyboard.press("Enter")
        assert page.locator("#cb-ex-filters").is_visible()
        page.keyboard.press("Tab")  # into the panel: its first value
        assert page.evaluate("document.activeElement.name") == "country"
        page.keyboard.press("Space")
        assert page.locator(".cb-ex__toggle").inner_text().startswith("Filters (1 set)")
        assert page.inner_text(".cb-ex__done") == "Show 1 case"
        page.keyboard.press("Escape")  # closes the panel, back on its button
        assert not page.locator("#cb-ex-filters").is_visible()
        assert page.evaluate("document.activeElement.classList.contains('cb-ex__toggle')")
        assert page.inner_text(".cb-ex__status") == "1 case of 4"
        page.keyboard.press("Enter")
        page.focus(".cb-ex__done")
        page.keyboard.press("Enter")  # "Show 1 case": the panel closes and the reader lands on the results
        assert not page.locator("#cb-ex-filters").is_visible()
        assert page.evaluate("document.activeElement.id") == "cb-ex-results-title"
        assert errors == []
    finally:
        context.close()


def test_on_a_desktop_the_filters_stay_beside_the_results(browser: Any, base_url: str) -> None:
    context, page, errors = explorer(browser, base_url, DESKTOP)
    try:
        assert not page.locator(".cb-ex__toggle").is_visible() and not page.locator(".cb-ex__done").is_visible()
        assert page.locator("input[name=country]").first.is_visible()
        form, results = page.locator(".cb-ex__form").bounding_box(), page.locator(".cb-ex__output").bounding_box()
        assert form["x"] + form["width"] <= results["x"] and abs(form["y"] - results["y"]) < 2
        # Tab order as before: from the words box straight to the first value.
        page.focus("#cb-ex-q")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") == "country"
        assert errors == []
    finally:
        context.close()
