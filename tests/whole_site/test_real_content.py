"""The real catalogue end to end: the repository's own content validates and builds strictly, and reads right."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import escape
from pathlib import Path

import jsonschema
import pytest

from casebook.catalogue import Settings, load_catalogue
from casebook.core.taxonomy import load_taxonomy
from casebook.site.api import FILES as API_FILES
from casebook.site.api import SCHEMAS
from support import REPO, build, casebook, copy_real_content
from support.browser import serve_directory

pytestmark = pytest.mark.build

BRIEF = "coordinating-cross-sector-social-programmes"


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's content, validated and built once for the module."""
    site = copy_real_content(tmp_path_factory.mktemp("real") / "site")
    validated = casebook("validate", "--strict", cwd=site)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    built = build(site)
    assert built.returncode == 0, built.stderr
    return site


@pytest.fixture(scope="module")
def real_base(real_site: Path) -> Iterator[str]:
    """The built real site served on 127.0.0.1 for the module's browser tests."""
    base, shutdown = serve_directory(real_site / "site")
    yield base
    shutdown()


def test_the_brief_renders_key_messages_and_links_both_cases(real_site: Path) -> None:
    catalogue = load_catalogue(Settings(root=REPO))
    [brief] = [b for b in catalogue.briefs if b.slug == BRIEF]
    html = (real_site / f"site/briefs/{BRIEF}/index.html").read_text()
    box = html.index('<section class="cb-key-messages"')
    for message in brief.key_messages:
        assert html.index(escape(message, quote=False)) > box
    assert brief.cases == ["mx-oportunidades", "gt-management-for-results"]
    for slug in brief.cases:
        assert f'href="../../cases/{slug}/"' in html
    assert (real_site / "site/cases/mx-oportunidades/index.html").is_file()
    assert (real_site / "site/cases/gt-management-for-results/index.html").is_file()
    index = (real_site / "site/briefs/index.html").read_text()
    assert f'href="{BRIEF}/"' in index


def test_framework_page_links_to_every_mechanism_page(real_site: Path) -> None:
    taxonomy, _ = load_taxonomy(REPO / "taxonomy")
    html = (real_site / "site/about/framework/index.html").read_text()
    linked = set(re.findall(r'href="\.\./\.\./mechanisms/([a-z0-9-]+)/"', html))
    assert linked == set(taxonomy.mechanisms)
    for mechanism in taxonomy.mechanisms:
        assert (real_site / f"site/mechanisms/{mechanism}/index.html").is_file()


def test_real_case_pages_show_the_badges_the_about_page_describes(real_site: Path) -> None:
    gt = (real_site / "site/cases/gt-management-for-results/index.html").read_text()
    assert re.findall(r'class="cb-criterion cb-criterion--([a-z-]+)"', gt) == ["cocops-policy-area"]
    about = (real_site / "site/about/index.html").read_text()
    for label in ("COCOPS policy area", "European country", "Emerged within 10 years"):
        assert label in about


@pytest.mark.browser
@pytest.mark.parametrize(("brief", "most"), [(BRIEF, 4), ("hierarchy-networks-shared-objectives-europe", 5)])
def test_a_brief_prints_as_a_short_document(real_base: str, browser, brief: str, most: int) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    try:
        page.goto(f"{real_base}briefs/{brief}/")
        pdf = page.pdf(prefer_css_page_size=True)
        pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
        assert 2 <= pages <= most, pages
        page.emulate_media(media="print")
        hidden = page.evaluate(
            """() => ['.md-header', '.md-sidebar--primary', '.md-footer', '.md-search', '.md-tabs']
                .map(s => document.querySelector(s))
                .filter(e => e && getComputedStyle(e).display !== 'none').length"""
        )
        assert hidden == 0
        family = page.evaluate("getComputedStyle(document.querySelector('.md-typeset p')).fontFamily")
        assert "serif" in family and not family.startswith("-apple-system")
        box = page.evaluate("getComputedStyle(document.querySelector('.cb-key-messages')).breakInside")
        assert box == "avoid"
    finally:
        page.close()


@pytest.mark.browser
def test_reference_lists_have_no_markers_and_the_map_fills_the_column(real_base: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        # Material's list styles would draw a bullet over the first letter of each hanging-indented reference.
        for path in ("cases/mx-oportunidades/", f"briefs/{BRIEF}/", "bibliography/"):
            page.goto(real_base + path)
            markers = page.evaluate(
                """() => [...document.querySelectorAll('.cb-references > li, .cb-bibliography > li')]
                    .map(li => getComputedStyle(li).listStyleType)"""
            )
            assert markers and set(markers) == {"none"}, (path, set(markers))
        # Material shrinks a figure to its caption's width; the map takes the whole content column.
        page.goto(real_base + "countries/")
        widths = page.evaluate(
            """() => [document.querySelector('svg.cb-map').getBoundingClientRect().width,
                      document.querySelector('.md-content .md-typeset').getBoundingClientRect().width]"""
        )
        assert widths[0] >= 0.9 * widths[1], widths
    finally:
        page.close()


@pytest.mark.browser
def test_cite_this_case_bibtex_has_a_copy_button(real_base: str, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    try:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=real_base.rstrip("/"))
        page = context.new_page()
        page.goto(real_base + "cases/mx-oportunidades/")
        page.click("details.cb-cite-bibtex summary")
        page.click("details.cb-cite-bibtex button.md-code__button")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith("@misc{casebook-mx-oportunidades,")
        assert "title = {{Inter-ministerial coordination in Mexico" in copied
    finally:
        context.close()


def test_every_api_file_of_the_real_site_matches_its_published_schema(real_site: Path) -> None:
    out = real_site / "site"
    schemas = {p.name.removesuffix(".schema.json"): json.loads(p.read_text(encoding="utf-8"))
               for p in (out / "api/v1/schema").iterdir()}
    assert sorted(schemas) == sorted(SCHEMAS)
    published = [c.slug for c in load_catalogue(Settings(root=real_site)).published]
    cases = json.loads((out / "api/v1/cases.json").read_text(encoding="utf-8"))
    assert [c["slug"] for c in cases] == sorted(published)
    files = [p for p in (out / "api/v1").rglob("*.json") if "schema" not in p.parts]
    assert len(files) == 4 + len(published)
    for path in files:
        name = path.relative_to(out / "api/v1").as_posix()
        schema = schemas[API_FILES["cases/{slug}.json"] if name.startswith("cases/") else API_FILES[name]]
        jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), schema,
                            cls=jsonschema.Draft202012Validator)
    data_page = (out / "data/index.html").read_text(encoding="utf-8")
    assert '<a href="api/">API</a>' in data_page


@pytest.mark.browser
def test_a_mechanism_page_shows_its_cases_lessons_linked_and_accessible(real_base: str, browser) -> None:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(real_base + "mechanisms/one-stop-shop/")
        section = page.locator("ul.cb-lessons")
        assert section.is_visible()
        first = section.locator("> li").first
        title = first.locator("a.cb-entry__title").inner_text()
        assert first.locator("ul.cb-lessons__list > li").count() >= 1
        # The reader reaches the case from its lessons, by keyboard.
        first.locator("a.cb-entry__title").focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**/cases/**")
        assert page.locator("h1").first.inner_text() == title
        for path in ("mechanisms/one-stop-shop/", "policy-areas/employment-services/", "data/api/"):
            page.goto(real_base + path)
            violations = [v["id"] for v in Axe().run(page).response["violations"]
                          if v["impact"] in ("serious", "critical")]
            assert violations == [], (path, violations)
    finally:
        page.close()
