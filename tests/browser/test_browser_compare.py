"""The comparison view in Chromium: cases side by side, choosing them, the keyboard, a phone, print, no JavaScript,
hostile text, axe-core; on the synthetic corpus of ``support.compare``, on the real cases, and on the export."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from casebook.catalogue import Settings, load_catalogue
from support import build, casebook, copy_real_content
from support.browser import serve_directory, watched
from support.compare import compare_site, serious_violations
from support.content import HOSTILE

pytestmark = pytest.mark.browser

DE, DK, NO = "de-one-stop-jobcentre", "dk-shared-source", "no-formula-values"
DE_TITLE, DK_TITLE = "One-stop jobcentres for the long-term unemployed", "A synthetic job-centre merger"
PUBLISHED = 7  # the corpus's published cases (its one draft is never offered)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = compare_site(tmp_path_factory.mktemp("browser-compare") / "site")
    result = build(site)
    assert result.returncode == 0, result.stderr
    return site / "site"


@pytest.fixture(scope="module")
def served(built: Path) -> Iterator[str]:
    base, shutdown = serve_directory(built)
    yield base
    shutdown()


def test_opened_from_a_file_the_views_say_why_they_are_empty_and_link_the_cases(browser: Any, built: Path) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        for path in ("compare/index.html", "explore/index.html"):
            page.goto((built / path).as_uri())
            said = page.wait_for_selector(".cb-load-failed")
            assert "a page opened from a file" in said.inner_text() and "python3 -m http.server" in said.inner_text()
            link = said.query_selector("a")
            assert link is not None and link.get_attribute("href") == (built / "cases").as_uri() + "/"
    finally:
        context.close()


@pytest.fixture
def tab(browser: Any, served: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = watched(context, served)
    yield page
    assert page.outside == [], "requests that leave the site: it must work without a network"
    assert page.errors == [] and page.dialogs == []
    context.close()


def open_compare(page: Any, base: str, query: str = "") -> None:
    """Open ``/compare/QUERY`` and wait for the page, and for the comparison if the address asks for one."""
    page.goto(base + "compare/" + query)
    page.wait_for_selector(".cb-cmp--ready")
    if "," in query:
        page.wait_for_selector(".cb-cmp__cards", state="attached")  # the chosen cases' values are in their files


def row(page: Any, label: str) -> list[str]:
    """The cells of the comparison table's row ``label``, as text."""
    cells = page.locator(".cb-cmp__table tbody tr", has=page.locator(f"th:text-is('{label}')")).locator("td")
    return [text.strip() for text in cells.all_inner_texts()]


def test_two_cases_side_by_side_show_titles_mechanisms_and_what_they_share(tab: Any, served: str) -> None:
    open_compare(tab, served, f"?cases={DE},{DK}")
    heads = tab.locator(".cb-cmp__table thead th").all_inner_texts()
    assert heads[0] == "Aspect" and [h.split("\n")[0].strip() for h in heads[1:]] == [DE_TITLE, DK_TITLE]
    assert tab.locator(".cb-cmp__table tbody th").all_inner_texts() == [
        "Countries", "Period", "Policy areas", "Mechanisms", "Direction of coordination", "Modes of coordination",
        "Levels of government", "Organisations", "Lessons", "Type and length", "Sources",
    ]
    # Shared values say so in words; the others carry no mark.
    assert row(tab, "Mechanisms") == ["One-stop shop in both", "One-stop shop in both"]
    assert row(tab, "Countries") == ["Germany", "Denmark"]
    assert row(tab, "Modes of coordination") == ["Network", "Hierarchy"]
    # One name in two countries is two organisations: not marked as shared.
    assert "Agentur für Arbeit (BA)" in row(tab, "Organisations")[1] and "in both" not in row(tab, "Organisations")[1]
    assert row(tab, "Lessons")[0] == "Not given"
    shared = tab.locator(".cb-cmp__table .cb-cmp__shared").first
    plain = tab.locator(".cb-cmp__table .cb-cmp__values li:not(.cb-cmp__shared)").first
    colour = "e => getComputedStyle(e).backgroundColor"
    assert shared.evaluate(colour) != plain.evaluate(colour)  # and highlighted, besides the words
    # Each title and value links to its page.
    tab.locator(".cb-cmp__table thead").get_by_role("link", name=DK_TITLE).click()
    tab.wait_for_url(f"{served}cases/{DK}/")


def test_three_cases_count_how_many_share_a_value(tab: Any, served: str) -> None:
    open_compare(tab, served, f"?cases={DE},{DK},{NO}")
    assert row(tab, "Mechanisms")[0] == "One-stop shop in all 3"
    assert "Special position with coordination responsibilities" in row(tab, "Mechanisms")[2]
    assert row(tab, "Sources")[1:] == ["Doe 2020 in 2 of 3", "Doe 2020 in 2 of 3\nRoe 2019"]
    assert row(tab, "Levels of government")[0] == "National in all 3\nLocal in 2 of 3"


def test_empty_compare_offers_a_searchable_list_and_the_address_keeps_the_choice(tab: Any, served: str) -> None:
    open_compare(tab, served)
    assert tab.locator(".cb-cmp__result").is_hidden()
    assert tab.get_by_label("Find cases").is_visible()
    boxes = tab.locator(".cb-cmp__list input[type=checkbox]")
    assert boxes.count() == PUBLISHED
    assert "No case chosen yet" in tab.inner_text(".cb-cmp__status")
    tab.get_by_label("Find cases").fill("jobcentre germany")
    assert tab.locator(".cb-cmp__list li:visible").count() == 1
    tab.locator(".cb-cmp__list li:visible input").check()
    assert tab.evaluate("location.search") == f"?cases={DE}"
    tab.get_by_label("Find cases").fill("denmark")
    tab.locator(".cb-cmp__list li:visible input:not(:checked)").check()
    assert tab.evaluate("location.search") == f"?cases={DE},{DK}"
    tab.locator(".cb-cmp__table").wait_for()  # the values come in their own files
    tab.reload()
    tab.wait_for_selector(".cb-cmp__table")
    assert tab.locator(".cb-cmp__list input:checked").count() == 2
    # Four at most: the other boxes are off until one is unticked.
    tab.get_by_label("Find cases").fill("")
    for box in tab.locator(".cb-cmp__list input:not(:checked)").all()[:2]:
        box.check()
    tab.wait_for_selector(".cb-cmp__table thead th:nth-child(5)")
    assert tab.locator(".cb-cmp__table thead th").count() == 5
    assert tab.locator(".cb-cmp__list input:disabled").count() == PUBLISHED - 4
    assert "Untick one" in tab.inner_text(".cb-cmp__count")


def test_the_keyboard_reaches_every_control(tab: Any, served: str) -> None:
    open_compare(tab, served)

    def tab_to(predicate: str, limit: int = 60, back: bool = False) -> None:
        for _ in range(limit):
            tab.keyboard.press("Shift+Tab" if back else "Tab")
            if tab.evaluate(f"(() => {{ const e = document.activeElement; return {predicate}; }})()"):
                return
        raise AssertionError(f"never reached {predicate}")

    tab_to("e.id === 'cb-cmp-q'")  # from the top of the page
    tab.keyboard.type("jobcentres")
    tab_to("e.type === 'checkbox'")
    assert tab.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"  # focus is visible
    tab.keyboard.press("Space")
    tab_to("e.id === 'cb-cmp-q'", back=True)
    tab.keyboard.press("Control+a")
    tab.keyboard.type("denmark")
    tab_to("e.type === 'checkbox'")
    tab.keyboard.press("Space")
    assert tab.evaluate("location.search") == f"?cases={DE},{DK}"
    tab.locator(".cb-cmp__table").wait_for()  # the values come in their own files
    tab_to("e.classList.contains('cb-cmp__remove')", back=True)
    assert tab.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    tab.keyboard.press("Enter")
    assert tab.evaluate("location.search").count(",") == 0 and tab.locator(".cb-cmp__result").is_hidden()
    assert tab.evaluate("document.activeElement.id") == "cb-cmp-pick-title"  # focus is not lost


@pytest.mark.parametrize("width", [390, 360])
def test_on_a_phone_the_columns_become_stacked_cards(browser: Any, served: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = watched(context, served)
        open_compare(page, served, f"?cases={DE},{DK},{NO}")
        assert page.locator(".cb-cmp__table").is_hidden()
        cards = page.locator(".cb-cmp__card")
        assert cards.count() == 3
        boxes = [card.bounding_box() for card in cards.all()]
        for above, below in zip(boxes, boxes[1:], strict=False):
            assert below["y"] >= above["y"] + above["height"] - 1  # stacked, not side by side
        assert all(box["x"] >= 0 and box["x"] + box["width"] <= width for box in boxes)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        first = cards.first
        assert first.locator("h3").inner_text() == DE_TITLE
        assert "One-stop shop" in first.locator("dd").nth(3).inner_text()
        assert first.get_by_text("in all 3").first.is_visible()
        assert serious_violations(page) == []
        assert page.errors == [] and page.outside == []
    finally:
        context.close()


def test_a_comparison_prints_as_its_table_without_the_controls(browser: Any, served: str) -> None:
    # About the width of an A4 page's text area (180 mm at 96 px per inch).
    context = browser.new_context(viewport={"width": 680, "height": 1000})
    try:
        page = watched(context, served)
        open_compare(page, served, f"?cases={DE},{DK},{NO},se-hostile-title")
        page.emulate_media(media="print")
        assert page.locator(".cb-cmp__table").is_visible()
        for hidden in (".cb-cmp__picker", ".cb-cmp__remove", ".cb-cmp__cards", ".md-header", ".md-sidebar"):
            assert page.locator(hidden).first.is_hidden(), hidden
        table = page.locator(".cb-cmp__table")
        assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth + 1")  # four columns fit the page
        size = float(table.locator("td").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
        assert size >= 10  # 8 pt and up
        assert "http" not in table.evaluate("t => getComputedStyle(t.querySelector('a'), '::after').content")
        assert len(page.pdf(format="A4")) > 10_000
    finally:
        context.close()


def test_without_javascript_the_page_explains_itself_and_links_to_the_cases(browser: Any, served: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(served + f"compare/?cases={DE},{DK}")
        article = page.locator("article")
        assert "needs JavaScript" in article.inner_text()
        hrefs = {a.get_attribute("href") for a in article.locator("#cb-compare a").all()}
        assert {h for h in hrefs if h and h.startswith("../cases/")} == {
            f"../cases/{slug}/" for slug in (DE, DK, NO, "gt-health-results", "se-hostile-title",
                                             "mx-social-programme", "no-coordination-minister")
        }
        article.get_by_role("link", name=DK_TITLE).click()
        page.wait_for_url(f"{served}cases/{DK}/")
    finally:
        context.close()


def test_hostile_titles_values_and_addresses_stay_text(tab: Any, served: str) -> None:
    open_compare(tab, served,
                 f"?cases=se-hostile-title,{NO},%3Cimg%20src%3Dx%20onerror%3Dalert(4)%3E,{DE},{DE},{DK},gt-health-results")
    heads = tab.locator(".cb-cmp__table thead th a").all_inner_texts()
    assert heads[0] == HOSTILE and heads[1].startswith("Budget pooling;=2*21")
    assert "<img src=x onerror=alert(3)> lesson" in row(tab, "Lessons")[1]
    notes = tab.locator(".cb-cmp__notes li").all_inner_texts()
    assert notes == [
        "No published case is called “<img src=x onerror=alert(4)>”: the address names it, but it is left out.",
        "At most 4 cases fit side by side: “Results-based health budgeting” is left out.",
    ]
    assert tab.locator("#cb-compare img").count() == 0
    assert tab.evaluate("location.search") == f"?cases=se-hostile-title,{NO},{DE},{DK}"  # the address as shown


def test_compare_with_on_a_case_page_opens_the_view_with_that_case(tab: Any, served: str) -> None:
    tab.goto(served + f"cases/{DK}/")
    tab.get_by_role("link", name="Compare with…").click()
    tab.wait_for_url(f"{served}compare/?cases={DK}")
    tab.wait_for_selector(".cb-cmp--ready")
    assert f"“{DK_TITLE}” is chosen" in tab.inner_text(".cb-cmp__status")
    tab.get_by_label("Find cases").fill("germany")
    tab.locator(".cb-cmp__list li:visible input:not(:checked)").check()
    tab.locator(".cb-cmp__table").wait_for()
    assert tab.locator(".cb-cmp__table thead th a").all_inner_texts() == [DK_TITLE, DE_TITLE]


def test_the_site_navigation_leads_to_compare(tab: Any, served: str) -> None:
    tab.goto(served)
    tab.locator(".md-tabs").get_by_role("link", name="Compare").click()
    tab.wait_for_url(f"{served}compare/")
    tab.wait_for_selector(".cb-cmp__list")


@pytest.mark.parametrize("query", ["", f"?cases={DE}", f"?cases={DE},{DK},{NO},se-hostile-title"])
def test_no_serious_accessibility_violations(tab: Any, served: str, query: str) -> None:
    open_compare(tab, served, query)
    serious = serious_violations(tab)
    assert serious == [], "\n".join(f"{rule} ({impact}): {nodes}" for rule, impact, nodes in serious)


def test_no_script_from_the_hostile_cases_runs_in_the_picker_the_comparison_or_the_ticks(
    browser: Any, hostile_site: tuple[Path, object]
) -> None:
    from support.hostile import ACCEPTED

    site, _ = hostile_site
    base, shutdown = serve_directory(site / "site")
    published = {c.slug for c in load_catalogue(Settings(root=site)).published}
    slugs = sorted(published & {a.name.removesuffix(".md") for a in ACCEPTED})
    context = browser.new_context()
    try:
        page = watched(context, base)
        queries = [""] + ["?cases=" + ",".join(slugs[i:i + 4]) for i in range(0, len(slugs), 4)]
        for query in queries:
            open_compare(page, base, query)
            for y in range(0, 720, 120):
                page.mouse.move(640, y)
            assert page.evaluate("typeof window.__pwned") == "undefined", query
            if query:
                assert page.locator(".cb-cmp__table thead th a").count() == len(query.split(",")), query
            else:
                assert page.locator(".cb-cmp__option").count() == len(published)
        assert len(queries) > 3
        page.goto(base + "explore/")
        page.wait_for_selector(".cb-exsel__bar")
        for box in page.locator(".cb-exsel__box").all()[:4]:
            box.check()
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.dialogs == [] and page.errors == [] and page.outside == []
    finally:
        context.close()
        shutdown()


# --- the real cases ---

@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    site = copy_real_content(tmp_path_factory.mktemp("browser-compare-real") / "site")
    result = build(site)
    assert result.returncode == 0, result.stderr
    base, shutdown = serve_directory(site / "site")
    yield base, site
    shutdown()


def test_real_cases_side_by_side_with_their_mechanisms_and_no_serious_violation(
    browser: Any, real: tuple[str, Path]
) -> None:
    base, site = real
    catalogue = load_catalogue(Settings(root=site))
    cases = {c.slug: c for c in catalogue.published}
    pair = ["no-nav-reform", "dk-municipal-job-centres"]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = watched(context, base)
        open_compare(page, base, "?cases=" + ",".join(pair))
        assert page.locator(".cb-cmp__table thead th a").all_inner_texts() == [cases[s].title for s in pair]
        mechanisms = row(page, "Mechanisms")
        for slug, cell in zip(pair, mechanisms, strict=True):
            for mechanism in cases[slug].mechanisms:
                assert catalogue.taxonomy.mechanisms[mechanism].label in cell
        assert "in both" in mechanisms[0]  # both are one-stop shops
        lessons = row(page, "Lessons")[0]
        assert cases["no-nav-reform"].meta["lessons"][0] in lessons
        serious = serious_violations(page)
        assert serious == [], "\n".join(f"{rule} ({impact}): {nodes}" for rule, impact, nodes in serious)
        assert page.errors == [] and page.outside == []
    finally:
        context.close()


def test_every_real_case_page_links_to_compare_and_the_nav_has_it(real: tuple[str, Path]) -> None:
    _, site = real
    catalogue = load_catalogue(Settings(root=site))
    assert catalogue.published
    for case in catalogue.published:
        html = (site / f"site/cases/{case.slug}/index.html").read_text(encoding="utf-8")
        assert f'<a href="../../compare/?cases={case.slug}">Compare with…</a>' in html, case.slug
        assert re.search(r'<a href="\.\./\.\./compare/" class="md-tabs__link', html), case.slug


# --- the export, built by plain MkDocs ---

def test_the_exported_site_compares_too(browser: Any, tmp_path: Path) -> None:
    site = compare_site(tmp_path / "site")
    # Without a repository link: Material would ask api.github.com for its star count.
    config = (site / "mkdocs.yml").read_text(encoding="utf-8").split("\n")
    (site / "mkdocs.yml").write_text("\n".join(x for x in config if not x.startswith(("repo_url:", "edit_uri:"))))
    out = tmp_path / "out"
    assert casebook("export", "--out", str(out), cwd=site).returncode == 0
    result = build(out / "site-src")
    assert result.returncode == 0, result.stderr
    # Served at the path of the fixture's site_url, where the export's generated links (from the root) lead.
    root = tmp_path / "served"
    root.mkdir()
    (root / "casebook").symlink_to(out / "site-src" / "site", target_is_directory=True)
    origin, shutdown = serve_directory(root)
    base = origin + "casebook/"
    context = browser.new_context()
    try:
        page = watched(context, base)
        open_compare(page, base, f"?cases={DE},{DK}")
        assert row(page, "Mechanisms") == ["One-stop shop in both", "One-stop shop in both"]
        assert urlsplit(page.locator(".cb-cmp__table thead th a").first.get_attribute("href")).path.endswith(
            f"/cases/{DE}/")
        assert page.errors == [] and page.outside == []
    finally:
        context.close()
        shutdown()
