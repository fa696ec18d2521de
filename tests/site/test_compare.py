"""The comparison view's page and data, "Compare with…" on case pages, and the data of "Cite this selection":
pure functions over the synthetic comparison corpus (``support.compare``), then one build."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pybtex.database import parse_string

from casebook.catalogue import Catalogue, Settings, load_catalogue
from casebook.core.validate import published_schema
from casebook.site.assembly import SiteOptions, assemble
from casebook.site.compare import ASPECTS, COMPARE_PAGE, case_values, compare_data, compare_files, compare_page
from casebook.site.datafiles import cases_csv
from casebook.site.extras import UNINDEXED
from casebook.site.selection import CITE_URI
from support import build
from support.compare import FORMULA_TITLE, compare_site
from support.content import HOSTILE
from support.readers import formula_cells

PUBLISHED = {
    "de-one-stop-jobcentre", "gt-health-results", "se-hostile-title", "no-formula-values", "dk-shared-source",
    "mx-social-programme", "no-coordination-minister",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return compare_site(tmp_path_factory.mktemp("compare") / "site")


@pytest.fixture(scope="module")
def catalogue(site: Path) -> Catalogue:
    catalogue = load_catalogue(Settings(root=site))
    assert not catalogue.errors, catalogue.errors
    return catalogue


def assembled(catalogue: Catalogue, **options: Any) -> Any:
    return assemble(catalogue, SiteOptions(site_name="Casebook fixture", site_url="https://example.org/casebook/",
                                           **options), lambda src: False)


def by_slug(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["slug"]: c for c in data["cases"]}


def values(catalogue: Catalogue, slug: str, **options: Any) -> dict[str, Any]:
    """One case's values, from its file (as the script reads it)."""
    files = compare_files(catalogue, **options)
    return json.loads(files[f"compare/cases/{slug}.json"])["values"]  # type: ignore[no-any-return]


# --- /compare/ ---

def test_compare_lists_every_published_case_to_choose_from_but_no_draft(catalogue: Catalogue) -> None:
    data = compare_data(catalogue)
    assert [a["key"] for a in data["aspects"]] == [key for key, _ in ASPECTS] and data["max"] == 4
    assert set(by_slug(data)) == PUBLISHED  # gt-draft-case is a draft
    titles = [c["title"].casefold() for c in data["cases"]]
    assert titles == sorted(titles)  # the picker's order
    assert by_slug(data)["dk-shared-source"] == {
        "slug": "dk-shared-source", "title": "A synthetic job-centre merger", "url": "cases/dk-shared-source/",
        "countries": ["Denmark"], "period": "2007–present", "terms": ["One-stop shop", "Employment services"],
    }
    files = compare_files(catalogue)
    assert sorted(files) == ["compare/cases.json"] + sorted(f"compare/cases/{s}.json" for s in PUBLISHED)
    for slug in PUBLISHED:
        details = json.loads(files[f"compare/cases/{slug}.json"])
        assert details["slug"] == slug and set(details["values"]) == {key for key, _ in ASPECTS}


def test_compare_values_carry_labels_links_and_the_ids_that_mark_them_shared(catalogue: Catalogue) -> None:
    de, dk = values(catalogue, "de-one-stop-jobcentre"), values(catalogue, "dk-shared-source")
    no = values(catalogue, "no-formula-values")
    assert de["countries"] == [{"text": "Germany", "id": "DE", "href": "countries/de/"}]
    assert de["mechanisms"] == [{"text": "One-stop shop", "id": "one-stop-shop", "href": "mechanisms/one-stop-shop/"}]
    assert de["period"] == [{"text": "2005–present"}]  # no id: a period is never "shared"
    assert de["levels"] == [{"text": "National", "id": "national"}, {"text": "Local", "id": "local"}]
    # An organisation is its name within the case's countries: the same name in two countries is two organisations
    # (two countries' "Ministry of Health" are not shared); in the same countries it is one, whatever its role.
    assert de["organisations"][0] == {"text": "Agentur für Arbeit (BA)", "id": "DE:agentur für arbeit",
                                      "note": "Synthetic role"}
    assert dk["organisations"][0]["id"] == "DK:agentur für arbeit" and no["organisations"][0]["id"].startswith("NO:")
    german = next(c for c in catalogue.cases if c.slug == "de-one-stop-jobcentre")
    again = replace(german, slug="de-again", meta={**german.meta, "organisations": [
        {"name": "Agentur  für ARBEIT", "role": "Another synthetic role"}]})
    assert case_values(again, catalogue.taxonomy, [])["organisations"][0]["id"] == "DE:agentur für arbeit"
    assert [v["text"] for v in no["lessons"]] == ["=1+1 first", "ok; - fine", "<img src=x onerror=alert(3)> lesson"]
    assert all("id" not in v for v in no["lessons"])
    assert no["type"][0] == {"text": "Profile", "id": "profile"} and no["type"][1]["text"].endswith(" words")
    # Sources: author-year labels in the case page's order, linked to the bibliography's anchors; doe2020 shared.
    assert no["sources"] == [
        {"text": "Doe 2020", "id": "doe2020", "href": "bibliography/#doe2020"},
        {"text": "Roe 2019", "id": "roe2019", "href": "bibliography/#roe2019"},
    ]
    assert dk["sources"] == [no["sources"][0]]
    assert de["sources"] == [] and de["lessons"] == []


def test_compare_urls_follow_directory_urls(catalogue: Catalogue) -> None:
    assert by_slug(compare_data(catalogue, directory_urls=False))["dk-shared-source"]["url"] == \
        "cases/dk-shared-source.html"
    plain = values(catalogue, "dk-shared-source", directory_urls=False)
    assert plain["countries"][0]["href"] == "countries/dk.html"
    assert plain["sources"][0]["href"] == "bibliography.html#doe2020"


def test_compare_files_keep_hostile_text_as_data_that_cannot_be_markup(catalogue: Catalogue) -> None:
    files = compare_files(catalogue)
    for name, text in files.items():
        assert "<" not in text and ">" not in text and "&" not in text, name  # written as \\u escapes
    data = json.loads(files["compare/cases.json"])
    assert by_slug(data)["se-hostile-title"]["title"] == HOSTILE
    assert by_slug(data)["no-formula-values"]["title"] == FORMULA_TITLE
    assert compare_files(catalogue) == files  # byte-identical


def test_compare_page_explains_itself_and_links_every_case_without_javascript(catalogue: Catalogue) -> None:
    page = compare_page(catalogue.cases)
    assert page.startswith("# Compare cases\n")
    noscript = page[page.index("<noscript>"): page.index("</noscript>")]
    assert "needs JavaScript" in noscript
    for slug in PUBLISHED:
        assert f'<a href="../cases/{slug}/">' in noscript
    assert "gt-draft-case" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in noscript and "<script>alert" not in page
    assert page.count("<script") == 2  # the shared helpers, then the view
    assert page.index('<script src="../assets/casebook/dom.js" defer></script>') < page.index(
        '<script src="../assets/casebook/compare.js" defer></script>')
    plain = compare_page(catalogue.cases, directory_urls=False)
    assert '<a href="../cases/dk-shared-source.html">' in plain


def test_every_published_case_page_links_to_compare_with_itself(catalogue: Catalogue) -> None:
    done = assembled(catalogue)
    pages = {p.src_uri: p for p in done.pages}
    for slug in PUBLISHED:
        assert f'<a href="../../compare/?cases={slug}">Compare with…</a>' in pages[f"cases/{slug}.md"].markdown
    assert "gt-draft-case" not in json.dumps(done.files["compare/cases.json"]) + done.files["explore/cite.json"]
    assert not any("gt-draft-case" in path for path in done.files)


def test_a_preview_offers_drafts_to_compare_and_cite_marked_as_drafts(catalogue: Catalogue) -> None:
    served = assembled(catalogue, include_drafts=True)
    pages = {p.src_uri: p for p in served.pages}
    assert '<a href="../../compare/?cases=gt-draft-case">Compare with…</a>' in pages["cases/gt-draft-case.md"].markdown
    data = json.loads(served.files["compare/cases.json"])
    assert by_slug(data)["gt-draft-case"]["draft"] is True
    assert all("draft" not in record for slug, record in by_slug(data).items() if slug != "gt-draft-case")
    assert json.loads(served.files["compare/cases/gt-draft-case.json"])["slug"] == "gt-draft-case"
    cite = json.loads(served.files["explore/cite.json"])
    assert set(cite["cases"]) == PUBLISHED | {"gt-draft-case"}
    assert "@" in cite["cases"]["gt-draft-case"]["bibtex"] and cite["cases"]["gt-draft-case"]["csv"]


def test_compare_is_a_nav_page_with_its_data_beside_it_and_not_searched(catalogue: Catalogue) -> None:
    done = assembled(catalogue)
    [page] = [p for p in done.pages if p.src_uri == COMPARE_PAGE]
    assert page.in_nav and page.title == "Compare cases"
    assert json.loads(done.files["compare/cases.json"])["cases"]
    assert COMPARE_PAGE in UNINDEXED
    explorer = done.files["explore/index.md"]
    assert 'data-compare="../compare/" data-cite="cite.json"' in explorer
    # The shared helpers, then the explorer (which announces), then this.
    assert explorer.index("dom.js") < explorer.index("explore.js") < explorer.index("explore-select.js")


# --- "Cite this selection" ---

def test_selection_bibtex_is_each_case_pages_cite_this_case(catalogue: Catalogue) -> None:
    done = assembled(catalogue)
    cite = json.loads(done.files[CITE_URI])
    assert set(cite["cases"]) == PUBLISHED
    for slug, entry in cite["cases"].items():
        assert entry["bibtex"] == done.citations[f"cases/{slug}.md"].bibtex
    # Joined as the explorer joins them, the entries parse back to exactly the titles and authors written.
    joined = "\n".join(cite["cases"][s]["bibtex"] for s in sorted(cite["cases"]))
    entries = parse_string(joined, "bibtex").entries
    assert sorted(entries) == sorted(f"casebook-{s}" for s in PUBLISHED)
    hostile = entries["casebook-no-formula-values"]
    assert hostile.fields["title"] == (
        "{Budget pooling;=2*21;in Norway \\textbraceleft{}with\\textbraceright{} braces, "
        "\\textbackslash{}emph\\textbraceleft{}x\\textbraceright{} and \"quotes\"}"
    )
    assert [(p.first_names, p.last_names) for p in hostile.persons["author"]] == [(["Bo"], ["Berg;=4*5"])]


def test_selection_csv_lines_are_the_lines_of_cases_csv(catalogue: Catalogue) -> None:
    done = assembled(catalogue)
    cite = json.loads(done.files[CITE_URI])
    full = cases_csv(catalogue.cases, published_schema(catalogue.taxonomy))
    assert cite["csv_header"] + "".join(cite["cases"][s]["csv"] for s in sorted(cite["cases"])) == full
    assert done.files["data/cases.csv"] == full
    picked = cite["csv_header"] + cite["cases"]["no-formula-values"]["csv"]
    assert formula_cells(picked) == []
    [row] = list(csv.DictReader(io.StringIO(picked, newline="")))
    assert row["title"] == "Budget pooling;'=2*21;in Norway {with} braces, \\emph{x} and \"quotes\""
    assert row["lessons"] == "'=1+1 first; ok; '- fine; <img src=x onerror=alert(3)> lesson"
    raw = done.files[CITE_URI]
    assert "<" not in raw and ">" not in raw and "&" not in raw


# --- one build ---

@pytest.mark.build
def test_build_publishes_compare_with_its_data_script_and_nav_entry(site: Path) -> None:
    result = build(site)
    assert result.returncode == 0, result.stderr
    out = site / "site"
    html = (out / "compare/index.html").read_text(encoding="utf-8")
    assert 'id="cb-compare"' in html and "data-pagefind-body" not in html
    # A tab of the site's navigation, on every page.
    assert '<a href="./" class="md-tabs__link">' in html
    assert '<a href="compare/" class="md-tabs__link">' in (out / "index.html").read_text(encoding="utf-8")
    for name in ("dom.js", "compare.js", "explore-select.js", "explore.js"):
        assert (out / "assets/casebook" / name).is_file(), name
    assert json.loads((out / "compare/cases.json").read_text(encoding="utf-8"))["cases"]
    assert json.loads((out / "explore/cite.json").read_text(encoding="utf-8"))["cases"]
    for slug in PUBLISHED:
        case = (out / f"cases/{slug}/index.html").read_text(encoding="utf-8")
        assert f'<a href="../../compare/?cases={slug}">Compare with…</a>' in case, slug
        assert '<a href="../../compare/" class="md-tabs__link">' in case
