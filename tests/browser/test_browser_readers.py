"""The readers' features in headless Chromium: explorer, search, map, privacy and accessibility."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest

from support import build, make_site
from support.browser import serve_directory
from support.readers import BODY_WORD, EXTRA_CASES

pytestmark = pytest.mark.browser

DE, GT, MX, NO = (
    "One-stop jobcentres for the long-term unemployed",
    "Results-based health budgeting",
    "A cross-sectoral social programme",
    "A coordination minister for cross-cutting reforms",
)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = make_site(tmp_path_factory.mktemp("browser-readers") / "site", EXTRA_CASES)
    (site / "bibliography.bib").write_text("@book{key2020, title={A Book}, author={Doe, Jane}, year={2020}}\n")
    result = build(site)
    assert result.returncode == 0, result.stderr
    url, shutdown = serve_directory(site / "site")
    yield url
    shutdown()


@pytest.fixture
def page(browser, base_url: str):  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    page.outside = []  # requests to any host other than the test server
    page.errors = []
    page.on("request", lambda r: None if r.url.startswith((base_url, "data:")) else page.outside.append(r.url))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    assert page.outside == [], "third-party requests"
    assert page.errors == [], "script errors"
    context.close()


def titles(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator(".cb-ex__case h3").all_inner_texts()


def count(page, facet: str, value: str) -> str:  # type: ignore[no-untyped-def]
    box = page.locator(f"input[name={facet}][value='{value}']")
    return page.locator(f"label[for='{box.get_attribute('id')}'] .cb-ex__count").inner_text()


def open_explorer(page, base_url: str, query: str = "") -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "explore/" + query)
    page.wait_for_selector(".cb-ex__status:has-text('cases of'), .cb-ex__status:has-text('case of')")


def test_explorer_or_within_a_facet_and_across_facets_with_live_counts(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    open_explorer(page, base_url)
    assert page.inner_text(".cb-ex__status") == "4 cases of 4"  # an empty query browses everything
    assert sorted(titles(page)) == sorted([DE, GT, MX, NO])
    assert count(page, "country", "DE") == "(1)" and count(page, "policy", "health") == "(2)"
    page.check("input[name=country][value=DE]")
    assert titles(page) == [DE]
    # Counts in the same facet ignore its own selection; other facets count within it.
    assert count(page, "country", "GT") == "(1)"
    assert count(page, "policy", "health") == "(0)" and count(page, "mechanism", "one-stop-shop") == "(1)"
    page.check("input[name=country][value=GT]")  # OR within a facet
    assert sorted(titles(page)) == sorted([DE, GT])
    assert count(page, "policy", "health") == "(1)"
    page.check("input[name=policy][value=health]")  # AND across facets
    assert titles(page) == [GT]
    assert page.inner_text(".cb-ex__status") == "1 case of 4"
    page.uncheck("input[name=policy][value=health]")
    page.fill("#cb-ex-to", "2008")  # periods that overlap ...-2008: GT (2012-2015) drops out
    assert titles(page) == [DE]
    result = page.locator(".cb-ex__case").first
    assert "Germany · 2005–present" in result.inner_text()
    assert "Synthetic fixture" in result.locator(".cb-ex__summary").inner_text()
    assert result.locator("a").get_attribute("href").endswith("/cases/de-one-stop-jobcentre/")


def test_explorer_state_round_trips_through_the_url(page, base_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    open_explorer(page, base_url)
    page.check("input[name=country][value=MX]")
    page.check("input[name=country][value=GT]")
    page.check("input[name=policy][value=health]")
    page.fill("#cb-ex-from", "2000")
    shared = page.evaluate("location.href")  # page.url lags behind history.replaceState
    # Values in the page's order (Americas before Europe, then by name), whatever order they were ticked in.
    assert parse_qs(urlparse(shared).query) == {"country": ["GT", "MX"], "policy": ["health"], "from": ["2000"]}
    expected = titles(page)
    assert sorted(expected) == sorted([GT, MX])  # both health, both active after 2000
    other = browser.new_page()
    try:
        other.goto(shared)
        other.wait_for_selector(".cb-ex__case")
        assert other.is_checked("input[name=country][value=MX]") and other.is_checked("input[name=country][value=GT]")
        assert other.is_checked("input[name=policy][value=health]")
        assert not other.is_checked("input[name=country][value=NO]")
        assert other.input_value("#cb-ex-from") == "2000"
        assert titles(other) == expected
        # Unknown values in a hand-edited URL are ignored, not fatal.
        other.goto(base_url + "explore/?country=ZZ&mechanism=%3Cscript%3E&from=abc")
        other.wait_for_selector(".cb-ex__case")
        assert other.inner_text(".cb-ex__status") == "4 cases of 4"
    finally:
        other.close()


def test_explorer_is_keyboard_usable(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    open_explorer(page, base_url)
    page.focus("#cb-ex-q")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "country":
            break
    focused = page.evaluate("[document.activeElement.type, document.activeElement.value]")
    assert focused[0] == "checkbox"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Space")
    assert page.is_checked(f"input[name=country][value={focused[1]}]")
    assert page.inner_text(".cb-ex__status").startswith("1 case")


def test_explorer_is_readable_on_a_phone(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    try:
        page = context.new_page()
        open_explorer(page, base_url)
        form = page.locator(".cb-ex__form").bounding_box()
        results = page.locator(".cb-ex__output").bounding_box()
        assert results["y"] >= form["y"] + form["height"] - 1  # stacked, not squeezed side by side
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()


def test_header_search_finds_a_word_only_in_one_case_body(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "cases/no-coordination-minister/")
    page.fill("#cb-search-input", BODY_WORD)
    page.wait_for_selector(".cb-search__list li a")
    links = page.locator(".cb-search__list li a")
    assert links.count() == 1
    assert links.first.inner_text() == GT
    assert page.locator(".cb-search__list mark").first.inner_text().lower() == BODY_WORD
    links.first.click()
    page.wait_for_url("**/cases/gt-health-results/")
    # The draft's words are not in the index.
    page.fill("#cb-search-input", "zanzibarquux")
    page.wait_for_selector(".cb-search__status:has-text('0 pages found')")


def test_explorer_text_query_reaches_the_full_text(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    open_explorer(page, base_url, f"?q={BODY_WORD}")
    page.wait_for_selector(".cb-ex__status:has-text('1 case of 4')")  # only the body has the word
    assert titles(page) == [GT]
    page.fill("#cb-ex-q", "jobcentres")  # title words match without the index
    page.wait_for_selector(".cb-ex__status:has-text('1 case of 4')")
    assert titles(page) == [DE]


def test_map_shades_countries_and_links_them_to_their_pages(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "countries/")
    linked = page.locator("svg.cb-map a")
    assert sorted(linked.evaluate_all("els => els.map(a => a.dataset.country)")) == ["DE", "GT", "MX", "NO"]
    assert page.locator("svg.cb-map a[data-country=NO] title").text_content() == "Norway: 1 case"
    assert page.locator("table.cb-map-table tbody tr").count() == 4  # the text alternative
    # Keyboard: each shaded country is a link in the tab order (a mouse click lands on the shape the same way).
    page.locator("svg.cb-map a[data-country=NO]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/countries/no/")
    assert "Norway" in page.locator("article h1").first.inner_text()
    assert page.locator("h1").first.inner_text().startswith("Norway")
    page.go_back()
    page.click(".cb-map-alt summary")
    page.locator("table.cb-map-table a", has_text="Guatemala").click()
    page.wait_for_url("**/countries/gt/")


def test_data_downloads_are_served(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "data/")
    for name in ("cases.json", "cases.csv", "bibliography.bib", "case.schema.json"):
        href = page.locator(f"article a[href='{name}']").first.get_attribute("href")
        response = page.request.get(base_url + "data/" + href)
        assert response.ok, name
    feed = page.request.get(base_url + "feed.xml")
    assert feed.ok and b"<feed" in feed.body()


AXE_PAGES = [
    "", "cases/no-coordination-minister/", "countries/", "countries/no/", "explore/", "data/", "data/codebook/",
    "data/api/", "mechanisms/one-stop-shop/", "bibliography/",
]


@pytest.mark.parametrize("path", AXE_PAGES)
def test_no_serious_accessibility_violations(page, base_url: str, path: str) -> None:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    page.goto(base_url + path)
    if path == "explore/":
        page.wait_for_selector(".cb-ex__case")
        page.fill("#cb-search-input", "coordination")  # the search panel open, too
        page.wait_for_selector(".cb-search__list li")
    results = Axe().run(page)
    serious = [
        (v["id"], v["impact"], [(n["target"], n.get("failureSummary", "")[:160]) for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], "\n".join(f"{rule} ({impact}): {nodes}" for rule, impact, nodes in serious)
