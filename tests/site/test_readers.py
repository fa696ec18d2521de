"""Data downloads, feed, explorer data, map and search markup: pure functions, then one real build."""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from casebook.adapter.pagefind import run_pagefind
from casebook.bibliography import parse_bibliography
from casebook.bibliography.bibtex import HEADER
from casebook.catalogue import Settings, load_catalogue
from casebook.core.validate import published_schema
from casebook.site.datafiles import cases_csv, cases_json, csv_columns, data_files
from casebook.site.explore import explorer_data
from casebook.site.feed import FeedItem, atom_feed
from casebook.site.searchmarkup import case_markup
from casebook.site.worldmap import geometry, map_table, world_map_svg
from support import REPO, build, casebook, make_site
from support.corpus import corpus
from support.readers import BODY_WORD, EXTRA_CASES, formula_cells

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_site(tmp_path_factory.mktemp("readers") / "site", EXTRA_CASES)


@pytest.fixture(scope="module")
def catalogue(site: Path):  # type: ignore[no-untyped-def]
    catalogue = load_catalogue(Settings(root=site))
    assert not catalogue.errors, catalogue.errors
    return catalogue


@pytest.fixture(scope="module")
def built(site: Path) -> Path:
    (site / "bibliography.bib").write_text("@book{key2020, title={A Book}, author={Doe, Jane}, year={2020}}\r\n")
    result = build(site)
    assert result.returncode == 0, result.stderr
    return site / "site"


# --- cases.json / cases.csv ---

def test_cases_json_has_slug_url_and_every_front_matter_field(catalogue) -> None:  # type: ignore[no-untyped-def]
    records = json.loads(cases_json(catalogue.cases))
    assert [r["slug"] for r in records] == [
        "de-one-stop-jobcentre", "gt-health-results", "mx-social-programme", "no-coordination-minister"
    ]  # drafts left out, sorted by slug
    norway = records[-1]
    assert norway["url"] == "cases/no-coordination-minister/"
    assert norway["countries"] == ["NO"]  # a string, never the boolean YAML 1.1 would make of it
    assert norway["period"] == {"start": 2006, "end": 2009}
    assert norway["organisations"][0] == {
        "name": "Fornyings- og administrasjonsdepartementet", "acronym": "FAD", "role": "Synthetic role"
    }
    case = next(c for c in catalogue.cases if c.slug == "no-coordination-minister")
    assert set(norway) == {"slug", "url", *case.meta}


def test_cases_csv_flattens_predictably(catalogue) -> None:  # type: ignore[no-untyped-def]
    schema = published_schema(catalogue.taxonomy)
    text = cases_csv(catalogue.cases, schema)
    assert "\r" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == csv_columns(schema)
    assert csv_columns(schema)[:3] == ["slug", "url", "title"]
    assert {"period.start", "period.end", "coordination.direction", "coordination.modes", "coordination.levels"} <= set(
        rows[0]
    )
    de = rows[0]
    assert de["slug"] == "de-one-stop-jobcentre"
    assert de["coordination.levels"] == "national; local"
    assert de["organisations"] == "Agentur für Arbeit (BA); Jobcenter, local"
    assert de["authors"] == "Test Author; Second Author"
    assert de["period.end"] == ""
    assert rows[-1]["period.end"] == "2009"


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_start_with_a_quote(catalogue) -> None:  # type: ignore[no-untyped-def]
    case = catalogue.published[0]
    hostile = {
        "title": "=HYPERLINK(\"http://evil.example\",\"x\")", "summary": "+1+cmd|' /C calc'!A0",
        "authors": ["-2+3", "Plain Author"], "lessons": ["@SUM(1+1)", "\tTabbed", "\rReturn", "ok - fine"],
    }
    mutated = type(case)(**{**case.__dict__, "meta": {**case.meta, **hostile}})
    text = cases_csv([mutated], published_schema(catalogue.taxonomy))
    row = next(csv.DictReader(io.StringIO(text, newline="")))
    assert row["title"] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert row["summary"] == "'+1+cmd|' /C calc'!A0"
    assert row["authors"] == "'-2+3; Plain Author"  # the cell's start is what a spreadsheet reads
    # A spreadsheet splitting on spaces would read "-" as a cell of its own: it gets its quote too.
    assert row["lessons"] == "'@SUM(1+1); \tTabbed; \rReturn; ok '- fine"
    assert row["slug"] == case.slug and row["period.start"] == str(case.start)
    # JSON keeps the values as written.
    assert json.loads(cases_json([mutated]))[0]["title"] == hostile["title"]
    for lead in ("=", "+", "-", "@", "\t", "\r"):
        solo = type(case)(**{**case.__dict__, "meta": {**case.meta, "title": lead + "x"}})
        solo_csv = cases_csv([solo], published_schema(catalogue.taxonomy))
        cell = next(csv.DictReader(io.StringIO(solo_csv, newline="")))["title"]
        assert cell == "'" + lead + "x"


#: Payloads that start a formula in a spreadsheet splitting on ';' (German, French, Dutch, Spanish or Italian
#: settings), on ',' or on a tab, or after a line break inside a quoted cell.
SEGMENT_PAYLOADS = {
    "title": "Budget pooling;=2*21;in Norway",
    "summary": 'Pooled, =HYPERLINK("http://evil.example","x") and\t+1+1 then\n@SUM(1) and "; -2+3',
    "authors": ["Bo Berg;=4*5", "Ana Lima, =1+1", "Eva Ek; \"=cmd|' /C calc'!A0"],
    "lessons": ["ok; - fine", "tab\t@x", "line\r=1"],
}


def test_no_part_of_a_csv_cell_is_a_formula_under_any_separator(catalogue) -> None:  # type: ignore[no-untyped-def]
    case = catalogue.published[0]
    mutated = type(case)(**{**case.__dict__, "meta": {**case.meta, **SEGMENT_PAYLOADS}})
    text = cases_csv([mutated], published_schema(catalogue.taxonomy))
    assert formula_cells(text) == []
    row = next(csv.DictReader(io.StringIO(text, newline="")))
    assert row["title"] == "Budget pooling;'=2*21;in Norway"
    assert row["authors"] == "Bo Berg;'=4*5; Ana Lima, '=1+1; Eva Ek; \"'=cmd|' /C calc'!A0"
    assert row["lessons"] == "ok; '- fine; tab\t'@x; line\r'=1"
    # Ordinary text is untouched: a hyphen or an at sign inside a phrase is not after a separator.
    assert row["slug"] == case.slug and row["summary"].startswith("Pooled, '=HYPERLINK(")
    assert json.loads(cases_json([mutated]))[0]["title"] == SEGMENT_PAYLOADS["title"]


def test_the_old_first_character_guard_would_be_caught() -> None:
    # The check above can fail: a CSV guarded only at the start of each cell has formulas in it.
    assert set(formula_cells('slug,title\nx,"Budget pooling;=2*21;in Norway"\n')) == {"=2*21"}


def test_data_files_are_byte_identical_across_runs(catalogue) -> None:  # type: ignore[no-untyped-def]
    source = b"@misc{a,\r\n title = {T},\r\n}\r\n"
    first = data_files(catalogue.cases, catalogue.taxonomy, parse_bibliography(source, "bibliography.bib"))
    again = data_files(list(reversed(catalogue.cases)), catalogue.taxonomy, parse_bibliography(source, "other.bib"))
    assert first == again
    assert list(first) == ["cases.json", "cases.csv", "bibliography.bib", "case.schema.json", "LICENSE.txt"]
    assert first["bibliography.bib"] == HEADER + "\n@misc{a,\n  title = {T}\n}\n"
    schema = json.loads(first["case.schema.json"])
    assert "NO" in schema["properties"]["countries"]["items"]["enum"]


def test_export_command_writes_the_data_files(site: Path, tmp_path: Path) -> None:
    result = casebook("--root", str(site), "export", "--out", str(tmp_path / "out"), cwd=site)
    assert result.returncode == 0, result.stderr
    expected = ["cases.json", "cases.csv", "case.schema.json", "LICENSE.txt", "site-src"]
    if (site / "bibliography.bib").exists():
        expected.append("bibliography.bib")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(expected)
    assert len(json.loads((tmp_path / "out/cases.json").read_text())) == 4
    licence = (tmp_path / "out/LICENSE.txt").read_text()
    assert "CC BY 4.0" in licence and "https://creativecommons.org/licenses/by/4.0/" in licence
    assert "- cases.csv:" in licence
    assert "--out DIR" in casebook("export", "--help", cwd=site).stdout


def test_export_refuses_when_a_case_is_invalid(tmp_path: Path) -> None:
    bad = make_site(tmp_path / "bad", {"xx-bad.md": "---\ntitle: x\n---\n"})
    result = casebook("--root", str(bad), "export", "--out", str(tmp_path / "out"), cwd=bad)
    assert result.returncode == 1
    assert "cases/xx-bad.md:" in result.stderr
    assert not (tmp_path / "out").exists()


# --- feed ---

def test_feed_is_newest_first_with_stable_ids_and_escaped_text() -> None:
    items = [
        FeedItem(url="cases/b/", title="B <script>", summary="x & y", updated="2026-01-01"),
        FeedItem(url="cases/a/", title="A", summary="s", updated="2026-01-01"),
        FeedItem(url="briefs/c/", title="C", summary="s", updated="2026-05-01", category="brief"),
        FeedItem(url="cases/d/", title="D", summary="s", updated=None),
    ]
    xml = atom_feed(items, site_url="https://example.org/cb", title="Casebook", source_date_epoch=0)
    again = atom_feed(list(reversed(items)), site_url="https://example.org/cb", title="Casebook", source_date_epoch=0)
    assert xml == again
    assert "<script>" not in xml and "B &lt;script&gt;" in xml
    root = ET.fromstring(xml)
    ids = [e.findtext(f"{ATOM}id") for e in root.findall(f"{ATOM}entry")]
    assert ids == [
        "https://example.org/cb/briefs/c/", "https://example.org/cb/cases/a/",
        "https://example.org/cb/cases/b/", "https://example.org/cb/cases/d/",
    ]
    assert root.findtext(f"{ATOM}updated") == "2026-05-01T00:00:00Z"  # the newest entry, not the build time


# --- explorer data, regions, map, search markup ---

def test_explorer_data_is_facets_and_listing_fields_only(catalogue) -> None:  # type: ignore[no-untyped-def]
    data = explorer_data(catalogue.cases, catalogue.taxonomy)
    assert set(data["cases"][0]) == {"slug", "title", "summary", "lede", "url", "start", "end", "facets"}
    facets = {f["key"]: f for f in data["facets"]}
    assert [v["id"] for v in facets["country"]["values"]] == ["GT", "MX", "DE", "NO"]  # Americas, then Europe
    assert facets["country"]["values"][0] == {"id": "GT", "label": "Guatemala", "group": "Americas"}
    assert {v["id"] for v in facets["level"]["values"]} == {"national", "local"}
    assert data["years"] == [1997, 2015]


def test_map_shades_and_links_only_countries_with_cases() -> None:
    svg = world_map_svg({"MX": 2, "NO": 1}, lambda code: f"../countries/{code.lower()}/?a=1&b=2")
    root = ET.fromstring(svg)
    links = root.findall("{http://www.w3.org/2000/svg}a")
    assert [a.get("data-country") for a in links] == ["MX", "NO"]
    assert links[0].get("href") == "../countries/mx/?a=1&b=2"
    assert links[0].findtext("{http://www.w3.org/2000/svg}title") == "Mexico: 2 cases"
    assert links[1].get("aria-label") == "Norway: 1 case"
    assert len(geometry()["countries"]) > 150
    table = map_table({"MX": 2, "NO": 1}, lambda code: code)
    assert table.index("Mexico") < table.index("Norway")


def test_search_filters_are_escaped_attributes(catalogue) -> None:  # type: ignore[no-untyped-def]
    case = next(c for c in catalogue.cases if c.slug == "no-coordination-minister")
    case.meta = {**case.meta}
    markup = case_markup(case, catalogue.taxonomy)
    assert 'data-pagefind-filter="slug:no-coordination-minister"' in markup
    assert 'data-pagefind-filter="country:Norway"' in markup
    hostile = type(case)(slug="x", path="cases/x.md", meta={**case.meta, "type": 'a"><script>'}, body="")
    assert "<script>" not in case_markup(hostile, catalogue.taxonomy)


# --- the real build ---

@pytest.mark.build
def test_build_publishes_data_feed_explorer_and_search_index(built: Path) -> None:
    assert json.loads((built / "data/cases.json").read_text())[0]["slug"] == "de-one-stop-jobcentre"
    assert (built / "data/cases.csv").read_text().startswith("slug,url,title,")
    # Written again from the parsed entry, not copied.
    assert (built / "data/bibliography.bib").read_text().endswith(
        "\n@book{key2020,\n  author = {Doe, Jane},\n  title = {A Book},\n  year = {2020}\n}\n")
    assert json.loads((built / "data/case.schema.json").read_text())["title"] == "Casebook case study"
    data_page = (built / "data/index.html").read_text()
    assert "CC BY 4.0" in data_page and 'href="cases.csv"' in data_page and 'href="LICENSE.txt"' in data_page
    assert "starts with a single quote" in data_page
    assert "Creative Commons Attribution 4.0" in (built / "data/LICENSE.txt").read_text()
    codebook = (built / "data/codebook/index.html").read_text()
    for field in ("period.start", "coordination.direction", "organisations.acronym", "updated"):
        assert f"<code>{field}</code>" in codebook
    feed = ET.fromstring((built / "feed.xml").read_text())
    assert feed.findtext(f"{ATOM}rights") == "Content licensed under CC BY 4.0: https://creativecommons.org/licenses/by/4.0/"
    assert [e.findtext(f"{ATOM}id") for e in feed.findall(f"{ATOM}entry")][:3] == [
        "https://example.org/casebook/cases/de-one-stop-jobcentre/",
        "https://example.org/casebook/cases/gt-health-results/",
        "https://example.org/casebook/cases/no-coordination-minister/",
    ]
    assert json.loads((built / "explore/cases.json").read_text())["cases"]
    assert 'id="cb-explore"' in (built / "explore/index.html").read_text()
    assert (built / "pagefind/pagefind.js").is_file()
    assert (built / "assets/casebook/explore.js").is_file() and (built / "assets/casebook/search.js").is_file()
    # Only content pages are indexed, each case with filters from its front-matter; drafts never.
    case_html = (built / "cases/gt-health-results/index.html").read_text()
    assert "data-pagefind-body" in case_html and 'data-pagefind-filter="country:Guatemala"' in case_html
    assert "data-pagefind-body" not in (built / "explore/index.html").read_text()
    # Material's own search is gone: no lunr index, no search worker config pointing at one.
    assert not (built / "search/search_index.json").exists()
    assert 'id="cb-search-input"' in case_html


def fragment_contents(site_dir: Path) -> dict[str, str]:
    """Each indexed page's text in the Pagefind bundle of ``site_dir``, by URL."""
    records = (json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
               for path in (site_dir / "pagefind" / "fragment").iterdir())
    return {record["url"]: record["content"] for record in records}


@pytest.mark.build
def test_pagefind_index_is_deterministic_and_never_holds_drafts(built: Path, tmp_path: Path) -> None:
    def bundle(site_dir: Path) -> dict[str, bytes]:
        folder = site_dir / "pagefind"
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    index = bundle(built)
    text = b"".join(gzip.decompress(v) for k, v in index.items() if k.startswith("fragment/"))
    assert BODY_WORD.encode() in text
    assert b"zanzibarquux" not in text and b"Draft fixture case" not in text
    # Generated parts search does not need are left out; titles, summaries and bodies stay (adapter/pagefind.py).
    fragments = fragment_contents(built)
    case_html = (built / "cases/gt-health-results/index.html").read_text("utf-8")
    content = fragments["/cases/gt-health-results/"]
    assert "@misc{casebook-" in case_html and 'class="cb-list"' in case_html and "Guatemala</a>" in case_html
    assert "@misc{casebook-" not in content and "BibTeX" not in content
    related = html.unescape(case_html.split('class="cb-list"', 1)[1].split('class="cb-entry__title"', 1)[1]
                            .split(">", 1)[1].split("<", 1)[0])
    summary = html.unescape(case_html.split('class="cb-summary">', 1)[1].split("<", 1)[0])
    title = html.unescape(case_html.split('id="case-title">', 1)[1].split("<", 1)[0])
    assert title in content and summary in content and related not in content
    # Listings that name the case (the table of /cases/, the matrix and its key) are not results for it.
    for listing in ("cases/index.html", "matrix/index.html"):
        assert title in (built / listing).read_text("utf-8")
    assert [url for url, text in fragments.items() if title in text] == ["/cases/gt-health-results/"]
    copy = tmp_path / "copy"
    shutil.copytree(built, copy, ignore=shutil.ignore_patterns("pagefind"))
    assert run_pagefind(copy) == []
    # Pagefind itself lists filter values in hash-map order; the plugin rewrites them sorted (pagefind_bundle).
    assert bundle(copy) == index


def test_no_file_of_the_real_repository_needs_mkdocs_search() -> None:
    assert "- search" not in (REPO / "mkdocs.yml").read_text()


@pytest.mark.build
def test_bibliography_entries_are_searchable_but_not_the_cases_that_cite_them(tmp_path: Path) -> None:
    site = corpus(tmp_path / "site", 0)
    result = build(site)
    assert result.returncode == 0, result.stderr[-2000:]
    page = (site / "site/bibliography/index.html").read_text("utf-8")
    cited_by = html.unescape(page.split('class="cb-cited-by">Cited by: <a', 1)[1].split(">", 1)[1].split("<", 1)[0])
    entry = html.unescape(page.split('class="cb-ref">', 1)[1].split("<", 1)[0]).strip()
    fragments = fragment_contents(site / "site")
    assert entry and entry[:40] in fragments["/bibliography/"]
    assert cited_by and cited_by not in fragments["/bibliography/"]


def test_a_mostly_european_catalogue_gets_a_map_of_europe_first() -> None:
    from casebook.site.worldmap import europe_view, map_block

    european = {"NO": 3, "EE": 3, "GB": 4, "IT": 2, "ES": 1, "FR": 2, "MX": 1, "GT": 1}
    view = europe_view(european)
    assert view is not None
    x0, y0, x1, y1 = view
    # The mainlands of Portugal/Spain in the west to Estonia/Finland in the east; not French Guiana.
    assert 440 < x0 < 480 and 560 < x1 < 620 and y1 - y0 < 130, view
    block = map_block(european, lambda code: f"{code.lower()}/")
    assert block.index('aria-label="Cases by country in Europe"') < block.index('aria-label="Cases by country"')
    assert block.count("<svg") == 2 and 'href="mx/"' in block.split("</figure>")[1]
    # Half the cases or more outside Europe: the world map alone.
    assert europe_view({"MX": 2, "NO": 1, "GT": 1}) is None
    assert map_block({"MX": 2, "NO": 1, "GT": 1}, lambda code: code).count("<svg") == 1
