"""Inline citations: the grammar, the Markdown processor, and what a real strict build makes of them."""

from __future__ import annotations

import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from casebook.citations.inline import Citation, parse_citation, render, scan_citations
from support import FIXTURES, build, casebook, make_site, run_mkdocs

LABELS = {"a": "Benavides Rincón 2012", "b": "COCOPS Work Package 5 2012", "x-y_z:1.2": "Nilsen 2018"}

BIB = r"""% Synthetic bibliography for tests: no entry describes a real work.
@phdthesis{rincon:2012.x,
  author = {Benavides Rinc{\'o}n, Guillermina},
  title = {Coordinación inter-ministerial en la {Secretaría de Desarrollo Social}},
  school = {Universidad Sintética},
  year = {2012}
}

@article{nilsen_2018-nav,
  author = {Nilsen, Kari and Østergaard, Lars},
  title = {Horizontal Coordination in {Norway}'s {NAV} Reform},
  journaltitle = {Scandinavian Journal of Synthetic Administration},
  date = {2018-03},
  volume = {22},
  pages = {45--67},
  url = {javascript:alert(1)}
}

@misc{sedesol-rules,
  author = {{Secretaría de Desarrollo Social}},
  title = {Reglas de {Operación} del {Programa}},
  url = {https://example.org/reglas}
}

@book{uncited2000,
  author = {Nobody, N.},
  title = {Nobody Cites This},
  publisher = {Synthetic Press},
  year = {2000}
}
"""

CITING_BODY = """
Synthetic fixture text for tests only. The programme grew from a dissertation's findings
[@rincon:2012.x, p. 74], was compared with Norway [@nilsen_2018-nav, sec. 4.3], and follows the
operating rules [@sedesol-rules; @rincon:2012.x, pp. 4-5].

Literal forms stay literal: `[@not-a-key]`, write to someone@example.org or [mail@example.org].

```
[@fenced-not-a-key]
```
"""


def _case(base: str, extra_meta: str = "", body: str = CITING_BODY) -> str:
    head, _, rest = base.partition("\n---\n")
    return head + extra_meta + "\n---\n" + body + rest


def _fixture_case() -> str:
    return (FIXTURES / "site/cases/mx-social-programme.md").read_text(encoding="utf-8")


# --- Grammar -------------------------------------------------------------------------------------


def test_parse_citation_forms() -> None:
    assert [(i.key, i.locator) for i in parse_citation("@key") or []] == [("key", "")]
    assert [(i.key, i.locator) for i in parse_citation("@key, p. 12") or []] == [("key", "p. 12")]
    assert [(i.key, i.locator) for i in parse_citation("@key, sec. 4.3") or []] == [("key", "sec. 4.3")]
    assert [(i.key, i.locator) for i in parse_citation("@a; @b, pp. 4-5") or []] == [("a", ""), ("b", "pp. 4-5")]
    assert [i.key for i in parse_citation("@a-b_c:d.e") or []] == ["a-b_c:d.e"]
    assert parse_citation("@a, p. 3; see text") is None
    assert parse_citation("mail@example.org") is None
    assert parse_citation("@") is None


def test_scan_finds_lines_and_skips_code_mail_and_escapes() -> None:
    body = (
        "One [@a, p. 1].\n"
        "Code `[@no]` and ``[@no2]`` and mail x@y.org and [me@y.org] and \\[@esc].\n"
        "Two [@b;\n@c, pp. 4-5].\n"
        "~~~\n[@fenced]\n~~~\n"
        "<!-- [@comment] -->\n"
        "Link [@text](http://example.org) then [@d].\n"
    )
    assert scan_citations(body, first_line=20) == [
        Citation("a", 20, "p. 1"), Citation("b", 22, ""), Citation("c", 23, "pp. 4-5"), Citation("d", 28, ""),
    ]


def test_processor_renders_author_year_links_with_locators() -> None:
    html = render("See [@a, p. 74] and [@a, sec. 3.3; @a, sec. 3.4; @b].", LABELS)
    assert (
        '<span class="cb-citation">(<a class="cb-cite" href="../bibliography.md#a">Benavides Rincón 2012, p. 74</a>)'
        "</span>" in html
    )
    assert (
        '(<a class="cb-cite" href="../bibliography.md#a">Benavides Rincón 2012, sec. 3.3</a>; '
        '<a class="cb-cite" href="../bibliography.md#a">sec. 3.4</a>; '
        '<a class="cb-cite" href="../bibliography.md#b">COCOPS Work Package 5 2012</a>)' in html
    )


def test_processor_leaves_code_mail_and_links_alone() -> None:
    html = render(
        "`[@a]` and x@y.org and [me@y.org] and [@a](http://example.org)\n\n    [@a]\n\n```\n[@a]\n```\n",
        LABELS, extensions=["fenced_code"],
    )
    assert "cb-cite" not in html
    assert "<code>[@a]</code>" in html
    assert "[me@y.org]" in html


def test_locators_are_kept_verbatim_and_escaped() -> None:
    html = render("[@x-y_z:1.2, tbl. <3> & fig. *2*]", LABELS, page="briefs/deep/page.md")
    assert 'href="../../bibliography.md#x-y_z:1.2"' in html
    assert "Nilsen 2018, tbl. &lt;3&gt; &amp; fig. *2*" in html


def test_unknown_keys_render_visibly_not_as_links() -> None:
    html = render("[@nope, p. 3]", LABELS)
    assert '<span class="cb-cite-missing">@nope, p. 3</span>' in html


# --- A real strict build -------------------------------------------------------------------------


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, dict[str, str | None]]] = []
        self.meta: list[tuple[str, str]] = []
        self.scripts: list[str] = []
        self._script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "a" and a.get("href") is not None:
            self.links.append((str(a["href"]), a))
        if tag == "meta" and str(a.get("name", "")).startswith("citation_"):
            self.meta.append((str(a["name"]), str(a.get("content"))))
        if tag == "script" and a.get("type") == "application/ld+json":
            self._script = ""

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append(self._script)
            self._script = None


def parse_page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def resolve(site_dir: Path, page_url: str, href: str) -> tuple[Path, str]:
    path, _, anchor = href.partition("#")
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page_url), path)) if path else page_url
    file = site_dir / target
    return (file / "index.html" if file.is_dir() else file), anchor


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    hostile_title = "A cross-sectoral social programme </script><script>alert(1)</script>"
    case = _case(_fixture_case(), '\nreferences: ["sedesol-rules"]').replace(
        'title: "A cross-sectoral social programme"', f'title: "{hostile_title}"'
    )
    site = make_site(tmp_path_factory.mktemp("cite") / "site", {"mx-social-programme.md": case})
    (site / "bibliography.bib").write_text(BIB, encoding="utf-8")
    # Not --strict: the javascript: address, kept to show that it never becomes a link, is a warning (W307).
    result = run_mkdocs(site, "build")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert warnings == ["WARNING -  bibliography.bib:16: W307 warning: entry 'nilsen_2018-nav': url "
                        "'javascript:alert(1)' does not start with 'https://' or 'http://'"], result.stderr
    # The uncited entry is reported, but as information: it does not fail a strict build.
    assert "INFO    -  1 bibliography entries are not cited by any case, brief or page" in result.stderr
    assert "uncited2000" not in result.stderr  # one summary line, not one line per entry
    return site / "site"


@pytest.mark.build
def test_case_citing_three_works_renders_author_year_links_with_locators(built: Path) -> None:
    html = (built / "cases/mx-social-programme/index.html").read_text(encoding="utf-8")
    assert '<a class="cb-cite" href="../../bibliography/#rincon:2012.x">Benavides Rincón 2012, p. 74</a>' in html
    assert (
        '<a class="cb-cite" href="../../bibliography/#nilsen_2018-nav">Nilsen and Østergaard 2018, sec. 4.3</a>' in html
    )
    assert (
        '(<a class="cb-cite" href="../../bibliography/#sedesol-rules">Secretaría de Desarrollo Social n.d.</a>; '
        '<a class="cb-cite" href="../../bibliography/#rincon:2012.x">Benavides Rincón 2012, pp. 4-5</a>)' in html
    )
    assert "<code>[@not-a-key]</code>" in html and "[@fenced-not-a-key]" in html
    assert "someone@example.org" in html


@pytest.mark.build
def test_every_citation_link_resolves_to_an_entry(built: Path) -> None:
    page = parse_page(built / "cases/mx-social-programme/index.html")
    cites = [href for href, attrs in page.links if attrs.get("class") == "cb-cite"]
    assert len(cites) == 4
    for href in cites:
        target, anchor = resolve(built, "cases/mx-social-programme/", href)
        assert anchor in parse_page(target).ids, href


@pytest.mark.build
def test_case_page_ends_with_its_reference_list(built: Path) -> None:
    html = (built / "cases/mx-social-programme/index.html").read_text(encoding="utf-8")
    references = html.split('id="references"', 1)[1].split("</ul>", 1)[0]
    items = re.findall(r'<li data-key="([^"]+)">', references)
    assert items == ["rincon:2012.x", "nilsen_2018-nav", "sedesol-rules"]  # by author, then year
    assert "Coordinación inter-ministerial en la Secretaría de Desarrollo Social" in references
    assert '<a href="https://example.org/reglas" rel="nofollow noopener">' in references
    assert "javascript:" not in re.sub(r">[^<]*<", "><", references)  # only as text, never as a link
    assert "uncited2000" not in references


@pytest.mark.build
def test_bibliography_page_lists_every_entry_with_cited_by_links(built: Path) -> None:
    page = parse_page(built / "bibliography/index.html")
    html = (built / "bibliography/index.html").read_text(encoding="utf-8")
    order = re.findall(r'<li id="([^"]+)" class="cb-bib-entry">', html)
    assert order == ["rincon:2012.x", "nilsen_2018-nav", "uncited2000", "sedesol-rules"]  # by author
    for key in ("rincon:2012.x", "nilsen_2018-nav", "sedesol-rules"):
        entry = html.split(f'<li id="{key}"', 1)[1].split("</li>", 1)[0]
        assert "Cited by:" in entry
        assert '<a href="../cases/mx-social-programme/">' in entry
    assert "Cited by" not in html.split('<li id="uncited2000"', 1)[1].split("</li>", 1)[0]
    backlinks = [href for href, _ in page.links if "cases/" in href]
    for href in backlinks:
        target, _ = resolve(built, "bibliography/", href)
        assert target.is_file(), href
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html  # the case title, escaped


@pytest.mark.build
def test_cite_this_case_meta_tags_and_json_ld(built: Path) -> None:
    path = built / "cases/mx-social-programme/index.html"
    page = parse_page(path)
    html = path.read_text(encoding="utf-8")
    title = "A cross-sectoral social programme </script><script>alert(1)</script>"
    assert ("citation_title", title) in page.meta
    assert ("citation_author", "Test Author") in page.meta
    assert "<script>alert(1)" not in html
    assert len(page.scripts) == 1
    data = json.loads(page.scripts[0])
    assert data["@type"] == "ScholarlyArticle"
    assert data["headline"] == title
    assert data["spatialCoverage"] == [{"@type": "Country", "identifier": "MX", "name": "Mexico"}]
    assert {t["termCode"] for t in data["about"]} == {
        "cross-sectoral-programme", "inter-agency-unit", "social-policy", "health"}
    assert "\\u003c/script\\u003e" in page.scripts[0]
    assert data["url"] == "https://example.org/casebook/cases/mx-social-programme/"
    cite = html.split('id="cite-this-case"', 1)[1]
    assert "@misc{casebook-mx-social-programme," in cite
    assert "title = {{A cross-sectoral social programme &lt;/script&gt;" in cite
    assert 'Test Author. n.d. “A cross-sectoral social programme &lt;/script&gt;' in cite


@pytest.mark.build
def test_pages_without_a_bibliography_build_without_one(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    result = build(site)
    assert result.returncode == 0, result.stderr
    assert "cb-bib-entry" not in (site / "site/bibliography/index.html").read_text(encoding="utf-8")
    assert "References" not in (site / "site/cases/mx-social-programme/index.html").read_text(encoding="utf-8")


@pytest.mark.build
def test_uncited_warn_option_fails_the_strict_build(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    (site / "bibliography.bib").write_text(BIB, encoding="utf-8")
    config = (site / "mkdocs.yml").read_text(encoding="utf-8")
    (site / "mkdocs.yml").write_text(config.replace("  - casebook\n", "  - casebook:\n      uncited: warn\n"),
                                     encoding="utf-8")
    result = build(site)
    assert result.returncode != 0
    assert "WARNING -  bibliography.bib:2: W301 warning: entry 'rincon:2012.x' is not cited" in result.stderr


# --- Unknown keys fail validation and the strict build, naming file and line ---------------------


@pytest.fixture(scope="module")
def unknown_key_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    body = "\nSynthetic text.\n\nA typo here [@rincon:2012.y, p. 3] and\nanother [@sedesol-rules; @nilsen2018].\n"
    case = _case(_fixture_case(), '\nreferences: ["rincon:2012.x", "uncited200"]', body)
    site = make_site(tmp_path_factory.mktemp("unknown") / "site", {"mx-social-programme.md": case})
    (site / "bibliography.bib").write_text(BIB, encoding="utf-8")
    return site


EXPECTED_UNKNOWN = [
    "cases/mx-social-programme.md:12: E305 unknown citation key 'uncited200': not in bibliography.bib "
    "(did you mean 'uncited2000'?)",
    "cases/mx-social-programme.md:17: E305 unknown citation key 'rincon:2012.y': not in bibliography.bib "
    "(did you mean 'rincon:2012.x'?)",
    "cases/mx-social-programme.md:18: E305 unknown citation key 'nilsen2018': not in bibliography.bib "
    "(did you mean 'nilsen_2018-nav'?)",
]


def test_unknown_key_fails_validate_naming_file_and_line(unknown_key_site: Path) -> None:
    result = casebook("validate", cwd=unknown_key_site)
    assert result.returncode == 1
    for line in EXPECTED_UNKNOWN:
        assert line in result.stdout, result.stdout
    assert "W301" not in result.stdout
    assert "note: 2 bibliography entries are not cited by any case, brief or page; list them with --uncited" \
        in result.stderr
    # On request, uncited entries are warnings with their lines.
    result = casebook("validate", "--uncited", cwd=unknown_key_site)
    assert "entry 'sedesol-rules' is not cited" not in result.stdout
    assert "bibliography.bib:9: W301 warning: entry 'nilsen_2018-nav' is not cited" in result.stdout
    assert "W301 warning: entry 'uncited2000' is not cited by any case, brief or page" in result.stdout


@pytest.mark.build
def test_unknown_key_fails_the_strict_build_naming_file_and_line(unknown_key_site: Path) -> None:
    result = build(unknown_key_site)
    assert result.returncode != 0
    for line in EXPECTED_UNKNOWN:
        assert line in result.stderr, result.stderr


def test_validating_one_file_checks_its_keys_but_not_uncited_entries(unknown_key_site: Path) -> None:
    result = casebook("validate", "cases/mx-social-programme.md", cwd=unknown_key_site)
    assert result.returncode == 1
    assert EXPECTED_UNKNOWN[1] in result.stdout
    assert "W301" not in result.stdout


def test_a_broken_bibliography_fails_validate_with_its_line(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    (site / "bibliography.bib").write_bytes(b"@book{a, title={Fine}, year=2000}\n@book{b, title={Caf\xe9}}\n")
    result = casebook("validate", cwd=site)
    assert result.returncode == 1
    assert "bibliography.bib:2: E301 file is not valid UTF-8 (byte 0xe9)" in result.stdout
