"""The generated site: index pages, catalogue, matrix, home, related cases, escaping, drafts, determinism."""

from __future__ import annotations

import gzip
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import pycountry
import pytest

from casebook.catalogue import Settings, load_catalogue
from casebook.core.escape import markdown_text as md
from casebook.core.regions import region_of, regions
from casebook.site.builder import SiteBuilder, newest
from casebook.site.page import fill_home
from casebook.site.related import related_cases
from casebook.site.urls import Links, page_url, relative_url
from support import FIXTURES, build, make_site
from support.content import CASES, synthetic

HOSTILE_HTML = "&lt;script&gt;alert(1)&lt;/script&gt; | [x](javascript:y)"
PUBLISHED = {"mx-social-programme", "no-coordination-minister", "se-hostile-title", "mx-one-stop"}


class Links_(HTMLParser):
    """Collects the hrefs of <a> elements, and those inside the page's <article>."""

    def __init__(self) -> None:
        super().__init__()
        self.all: list[str] = []
        self.article: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1
        href = dict(attrs).get("href")
        if tag == "a" and href is not None:
            self.all.append(href)
            if self.depth:
                self.article.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1


def hrefs(html: str) -> Links_:
    parser = Links_()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = make_site(tmp_path_factory.mktemp("site") / "s", CASES)
    result = build(site)
    assert result.returncode == 0, result.stderr
    return site


def article(path: Path) -> str:
    """The page's content, without the navigation and table of contents around it."""
    html = path.read_text(encoding="utf-8")
    return html[html.index("<article"): html.index("</article>")]


def page(built: Path, url: str) -> str:
    return (built / "site" / url / "index.html").read_text(encoding="utf-8")


def cases_linked(built: Path, url: str) -> set[str]:
    """Slugs of the case pages that the page at ``url`` links to from its content."""
    found = set()
    for href in hrefs(page(built, url)).article:
        target = posixpath.normpath(posixpath.join("/" + url, href.split("#")[0]))
        parts = target.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "cases":
            found.add(parts[1])
    return found


@pytest.mark.build
def test_country_pages_list_their_cases_once_with_mechanisms_and_a_summary_by_mechanism(built: Path) -> None:
    assert cases_linked(built, "countries/mx/") == {"mx-social-programme", "mx-one-stop"}
    assert cases_linked(built, "countries/no/") == {"no-coordination-minister", "se-hostile-title"}
    assert cases_linked(built, "countries/se/") == {"se-hostile-title"}
    mexico = page(built, "countries/mx/")
    assert "<h1 id=\"mexico\">Mexico" in mexico
    body = article(built / "site/countries/mx/index.html")
    # A flat list: each case once, oldest first (1997, then 2001), with its summary once.
    listing = body[body.index('id="cases"'):]
    assert body.count('href="../../cases/mx-one-stop/"') == 1
    assert listing.index("../../cases/mx-social-programme/") < listing.index("../../cases/mx-one-stop/")
    assert body.count("Synthetic fixture: a case made up for tests.") == 1
    # Each entry tags its mechanisms, linking to their pages.
    one_stop = listing[listing.index("../../cases/mx-one-stop/"):]
    one_stop = one_stop[: one_stop.index("</li></ul></li>")]
    tags = [h for h in hrefs(one_stop).all if "mechanisms/" in h]
    assert sorted(tags) == ["../../mechanisms/inter-agency-unit/", "../../mechanisms/one-stop-shop/"]
    # The cases grouped by mechanism: one row per mechanism used, with its count, most used first.
    summary = body[body.index('id="by-mechanism"'): body.index('id="cases"')]
    row = r'<tr><td><a href="\.\./\.\./mechanisms/([a-z-]+)/">[^<]*</a></td><td[^>]*>(\d+)</td></tr>'
    rows = re.findall(row, summary)
    mx = [c for c in load_catalogue(Settings(root=built)).published if "MX" in c.countries]
    expected = {m: sum(m in c.mechanisms for c in mx) for c in mx for m in c.mechanisms}
    assert dict((m, int(n)) for m, n in rows) == expected
    assert [int(n) for _, n in rows] == sorted((int(n) for _, n in rows), reverse=True)
    # A country with one case has no summary table: its entry's tags say it all.
    sweden = article(built / "site/countries/se/index.html")
    assert 'id="by-mechanism"' not in sweden and sweden.count('class="cb-tag"') == 2
    # Guatemala has only a draft: no page, no entry.
    assert not (built / "site/countries/gt").exists()
    index = article(built / "site/countries/index.html")
    assert {h for h in hrefs(index).article if h.rstrip("/") in ("mx", "no", "se")} == {"mx/", "no/", "se/"}
    assert index.index("Americas") < index.index("Mexico") < index.index("Europe") < index.index("Norway")
    assert "Northern Europe" in index and "Latin America and the Caribbean" in index
    assert "gt/" not in hrefs(index).article


@pytest.mark.build
def test_every_mechanism_and_policy_area_has_a_page_and_an_index_entry(built: Path) -> None:
    taxonomy = load_catalogue(Settings(root=built)).taxonomy
    for kind, terms in (("mechanisms", taxonomy.mechanisms), ("policy-areas", taxonomy.policy_areas)):
        index = page(built, f"{kind}/")
        links = hrefs(index).article
        for term in terms.values():
            assert f"{term.id}/" in links, (kind, term.id)
            assert (built / "site" / kind / term.id / "index.html").is_file()
            assert term.definition.replace("'", "&#x27;") in index or term.definition in index
    assert cases_linked(built, "mechanisms/coordination-post/") == {"no-coordination-minister", "se-hostile-title"}
    post = article(built / "site/mechanisms/coordination-post/index.html")
    assert post.index("Norway") < post.index("Sweden")
    # Only the draft uses this mechanism: the page exists and says there is no case.
    assert cases_linked(built, "mechanisms/budgeting-tool/") == set()
    assert "No published case yet." in page(built, "mechanisms/budgeting-tool/")
    assert cases_linked(built, "policy-areas/health/") == {"mx-social-programme", "se-hostile-title"}
    assert cases_linked(built, "policy-areas/employment-services/") == {"mx-one-stop"}


@pytest.mark.build
def test_case_page_header_links_facets_and_lists_related_cases(built: Path) -> None:
    html = page(built, "cases/no-coordination-minister/")
    links = hrefs(html).article
    for href in ("countries/no/", "mechanisms/coordination-post/", "policy-areas/central-government/"):
        assert "../../" + href in links
    assert "Fornyings- og administrasjonsdepartementet (FAD)" in html
    related = html[html.index('id="related-cases"'):]
    assert "../se-hostile-title/" in related
    assert "../mx-one-stop/" not in related  # shares nothing


@pytest.mark.build
def test_catalogue_table_and_matrix(built: Path) -> None:
    catalogue = page(built, "cases/")
    assert cases_linked(built, "cases/") == PUBLISHED
    assert "assets/casebook/sortable.js" in catalogue
    assert 'data-sort="1997-9999"' in catalogue
    assert catalogue.count("<tr>") == len(PUBLISHED) + 1
    matrix = page(built, "matrix/")
    assert cases_linked(built, "matrix/") == PUBLISHED
    # 3 countries, more mechanisms: a row per mechanism, a column per country.
    head = matrix[matrix.index("<thead>"): matrix.index("</thead>")]
    assert [h for h in hrefs(head).all] == ["../countries/mx/", "../countries/no/", "../countries/se/"]
    row = matrix[matrix.index('<th scope="row"><a href="../mechanisms/one-stop-shop/"'):]
    cells = row[: row.index("</tr>")].split("<td>")[1:]
    assert "../cases/mx-one-stop/" in cells[0] and cells[1] == cells[2] == "</td>"
    assert 'role="region"' in matrix and 'tabindex="0"' in matrix


@pytest.mark.build
def test_home_page_has_counts_newest_cases_and_entry_points(built: Path) -> None:
    home = article(built / "site/index.html")
    assert "A fixture site for tests." in home
    assert "4 cases from 3 countries" in home
    links = hrefs(home).article
    for href in ("cases/", "countries/", "mechanisms/", "policy-areas/", "matrix/", "compare/"):
        assert href in links
    newest_part = home[home.index('id="newest-cases"'):]
    # Most recently updated first.
    assert newest_part.index("se-hostile-title") < newest_part.index("no-coordination-minister")


@pytest.mark.build
def test_every_link_resolves(built: Path) -> None:
    out = built / "site"
    checked = 0
    for path in out.rglob("*.html"):
        url = path.relative_to(out).as_posix()
        if url == "404.html":  # MkDocs gives the error page absolute links, from site_url
            continue
        for href in hrefs(path.read_text(encoding="utf-8")).all:
            if href.startswith(("http://", "https://", "#", "mailto:")):
                continue
            assert not href.lower().startswith("javascript:"), (url, href)
            # Without the query: "Compare with…" links to /compare/?cases=<slug>.
            target = posixpath.normpath(posixpath.join(posixpath.dirname(url), href.split("#")[0].split("?")[0]))
            resolved = out / target
            assert resolved.is_file() or (resolved / "index.html").is_file(), (url, href)
            checked += 1
    assert checked > 300


@pytest.mark.build
def test_a_draft_appears_nowhere_in_the_build(built: Path) -> None:
    out = built / "site"
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz" or path.suffix.startswith(".pf_"):  # Pagefind's index files are gzipped too
                data = gzip.decompress(data)
            for marker in (b"gt-draft-case", b"Draft fixture case", b"zanzibarquux", b"countries/gt"):
                assert marker not in data, (path, marker)
    assert (out / "sitemap.xml").is_file() and (out / "pagefind/pagefind-entry.json").is_file()


SHOWS_HOSTILE = [
    "cases/se-hostile-title/", "cases/", "countries/no/", "countries/se/", "mechanisms/coordination-post/",
    "mechanisms/joint-working-group/", "policy-areas/central-government/", "policy-areas/health/", "matrix/",
    "cases/no-coordination-minister/", "",
]


@pytest.mark.build
def test_hostile_title_shows_as_text_everywhere(built: Path) -> None:
    out = built / "site"
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml"):
            data = path.read_text(encoding="utf-8")
            assert "<script>alert" not in data, path
            assert "<img src=x" not in data, path
            assert "<b>Author" not in data, path
    for url in SHOWS_HOSTILE:
        assert HOSTILE_HTML in page(built, url), url
    case = page(built, "cases/se-hostile-title/")
    assert f"<title>{HOSTILE_HTML} - Casebook fixture</title>" in case
    assert "&lt;img src=x onerror=alert(2)&gt;" in case
    assert "&lt;b&gt;Author&lt;/b&gt;" in case


@pytest.mark.build
def test_two_builds_are_byte_identical(built: Path) -> None:
    result = build(built, "--site-dir", "again")
    assert result.returncode == 0, result.stderr
    first = {p.relative_to(built / "site"): p.read_bytes() for p in (built / "site").rglob("*") if p.is_file()}
    second = {p.relative_to(built / "again"): p.read_bytes() for p in (built / "again").rglob("*") if p.is_file()}
    assert sorted(first) == sorted(second)
    assert [k for k in first if first[k] != second[k]] == []


@pytest.mark.build
def test_hand_written_briefs_index_and_bibliography_are_kept(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    (site / "docs/briefs").mkdir()
    (site / "docs/briefs/index.md").write_text("# Briefs\n\nHand-written briefs index.\n", encoding="utf-8")
    (site / "docs/index.md").write_text("# Home\n\nIntro.\n\n<!-- casebook:home -->\n\nAfter the marker.\n")
    result = build(site)
    assert result.returncode == 0, result.stderr
    assert "Hand-written briefs index." in (site / "site/briefs/index.html").read_text()
    assert (site / "site/bibliography/index.html").is_file()
    home = article(site / "site/index.html")
    assert home.index("Intro.") < home.index("Newest cases") < home.index("After the marker.")


# --- The pure modules, without a build ---


def test_relative_urls_match_mkdocs() -> None:
    assert page_url("index.md") == ""
    assert page_url("cases/index.md") == "cases/"
    assert page_url("countries/no.md") == "countries/no/"
    assert page_url("countries/no.md", directory_urls=False) == "countries/no.html"
    assert relative_url("", "cases/") == "cases/"
    assert relative_url("countries/no/", "") == "../../"
    assert relative_url("countries/no/", "countries/") == "../"
    assert relative_url("countries/", "countries/no/") == "no/"
    assert relative_url("cases/a/", "cases/b/") == "../b/"
    assert relative_url("countries/no.html", "cases/a.html") == "../cases/a.html"
    assert relative_url("index.html", "matrix.html") == "matrix.html"
    links = Links({"index.md"})
    with pytest.raises(KeyError):
        links.href("index.md", "cases/missing.md")


def test_every_iso_country_but_antarctica_has_an_m49_region() -> None:
    codes = {c.alpha_2 for c in pycountry.countries}
    assert codes - set(regions()) == {"AQ"}
    assert region_of("NO").sub_region == "Northern Europe"
    assert region_of("MX").region == "Americas"
    assert region_of("AQ").region == "Other"


def test_markdown_escaping_keeps_text_literal() -> None:
    assert md("a*b_[c](d) <e> & #f") == "a\\*b\\_\\[c\\]\\(d\\) &lt;e&gt; &amp; \\#f"
    assert fill_home("# Hi\n", "X") == "# Hi\n\nX"


def test_drafts_are_listed_with_a_marker_only_when_serving(tmp_path: Path) -> None:
    catalogue = load_catalogue(fixture_settings(tmp_path))
    served = {p.src_uri: p for p in SiteBuilder(catalogue, include_drafts=True).pages()}
    built = {p.src_uri: p for p in SiteBuilder(catalogue, include_drafts=False).pages()}
    assert "cases/gt-draft-case.md" in served and "cases/gt-draft-case.md" not in built
    assert "DRAFT" in served["cases/gt-draft-case.md"].markdown
    assert "DRAFT" in served["countries/gt.md"].markdown and "countries/gt.md" not in built
    assert "gt-draft-case" not in "".join(p.markdown for p in built.values())


def make_site_root() -> Path:
    return FIXTURES / "site"


def fixture_settings(tmp_path: Path) -> Settings:
    # A copy with the taxonomy inside: a vocabulary outside the project is refused (E006).
    return Settings(root=make_site(tmp_path / "site"))


def test_related_cases_rank_by_shared_terms_then_slug(tmp_path: Path) -> None:
    catalogue = load_catalogue(fixture_settings(tmp_path))
    cases = {c.slug: c for c in catalogue.cases}
    base = cases["mx-social-programme"]
    draft = cases["gt-draft-case"]  # shares health only
    assert [c.slug for c, _, _ in related_cases(base, [base, draft, cases["no-coordination-minister"]])] == [
        "gt-draft-case"
    ]
    assert [c.slug for c in newest(catalogue.cases)][0] == "no-coordination-minister"


def test_matrix_puts_the_longer_list_down_the_rows(tmp_path: Path) -> None:
    # Sixteen more countries than the fixture's: more countries than mechanisms, so a row per country.
    codes = ["DK", "FI", "IS", "EE", "LV", "LT", "PL", "CZ", "SK", "HU", "SI", "HR", "AT", "CH", "BE", "NL"]
    cases = {
        f"{code.lower()}-wide.md": synthetic(f"Synthetic wide case {code}", [code], ["task-force"], ["health"], 2000)
        for code in codes
    }
    site = make_site(tmp_path / "s", cases)
    builder = SiteBuilder(load_catalogue(Settings(root=site)), include_drafts=False)
    matrix = builder.matrix_page().markdown
    used = {m for c in builder.cases for m in c.mechanisms}
    assert len(builder.countries) > len(used)
    head = matrix[matrix.index("<thead>"): matrix.index("</thead>")]
    assert head.startswith('<thead><tr><th scope="col">Country</th>') and "mechanisms/task-force/" in head
    assert matrix.count('<th scope="row"><a href="../countries/') == len(builder.countries)
    assert "a row per country, a column per mechanism" in matrix


def test_short_listings_show_the_first_sentence_of_a_summary() -> None:
    from casebook.core.model import first_sentence

    assert first_sentence("First part. Second part.") == "First part."
    assert first_sentence("Costs fell 2.5 per cent. Then rose.") == "Costs fell 2.5 per cent."
    assert first_sentence("e.g. a thing. More.") == "e.g. a thing."
    long = "word " * 100
    cut = first_sentence(long.strip() + ". Next.")
    assert cut.endswith("…") and len(cut) <= 241
