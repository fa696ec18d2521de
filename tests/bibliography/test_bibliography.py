"""bibliography.bib with real pybtex: problems with lines, house style, safe links, caching."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

import pytest
from pybtex.database.input.bibtex import Parser

from casebook import bibliography
from casebook.bibliography import (
    HouseStyle,
    load_bibliography,
    parse_bibliography,
    references_html,
    safe_href,
    scan_entries,
)
from support import REPO, TESTS, make_site

FIXTURES = TESTS / "fixtures" / "bib"


def parse(text: str | bytes, name: str = "bibliography.bib") -> bibliography.Bibliography:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_bibliography(data, name)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.attrs_seen: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs_seen += attrs
        self.hrefs += [v or "" for k, v in attrs if k == "href"]


def links_in(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


# --- The real bibliography -----------------------------------------------------------------------


def test_the_real_bibliography_parses_and_formats_without_problems() -> None:
    bib = load_bibliography(REPO / "bibliography.bib", "bibliography.bib")
    assert [p for p in bib.problems if p.is_error] == []
    formatted = bib.formatted()
    assert len(formatted) == len(scan_entries((REPO / "bibliography.bib").read_text(encoding="utf-8")))
    assert formatted["benavides2012"].label == "Benavides Rincón 2012"
    assert formatted["traction-guatemala-mfr"].label == "TRAction n.d."
    assert not [p for p in bib.problems if p.code.startswith("W30") and p.code != "W301"]
    for entry in formatted.values():
        assert "\\" not in entry.html, entry.key  # no raw TeX reaches a page
        assert "bibtex-protected" not in entry.html


def test_spanish_proper_nouns_keep_their_capitals() -> None:
    bib = load_bibliography(REPO / "bibliography.bib", "bibliography.bib")
    formatted = bib.formatted()
    # A corporate publisher and a braced Spanish title, exactly as written.
    assert "Secretaría de Desarrollo Social" in formatted["comitetecnico2009"].html
    assert "Lineamientos Operativos de Desarrollo Humano Oportunidades 2009" in formatted["comitetecnico2009"].html
    assert "La Pobreza Rural en México" in formatted["campos1994"].html
    # A corporate author leads its entry and its label, capitals intact.
    assert formatted["sedesol1997"].html.startswith("Secretaría de Desarrollo Social. 1997.")
    assert formatted["sedesol1997"].label == "Secretaría de Desarrollo Social 1997"
    # An unbraced title is not sentence-cased either (pybtex's unsrt would give "Coordinating the war on poverty").
    assert "Coordinating the War on Poverty" in formatted["anderson1974"].html
    assert "secretaría de desarrollo social" not in " ".join(e.html for e in formatted.values())


# --- Real-world exports --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["zotero-biblatex.bib", "jabref.bib", "scholar.bib"])
def test_real_world_exports_render_readably(name: str) -> None:
    bib = load_bibliography(FIXTURES / name, name)
    formatted = bib.formatted()
    assert bib.problems == []
    assert formatted
    for entry in formatted.values():
        assert "\\" not in entry.html and "\\" not in entry.note and "\\" not in entry.label
        assert "{" not in entry.html and "}" not in entry.html
        assert "n.d." not in entry.label or entry.key == "Weber1964"


def test_biblatex_fields_and_types_are_mapped() -> None:
    formatted = load_bibliography(FIXTURES / "zotero-biblatex.bib", "z.bib").formatted()
    article = formatted["nilsen2018horizontal"]
    assert article.label == "Nilsen and Østergaard 2018"  # year from `date`
    assert "<em>Scandinavian Journal of Synthetic Administration</em> 22(1), 45–67" in article.html  # journaltitle
    assert "A Synthetic Study" in article.html and "emph" not in article.html  # \emph unwrapped
    report = formatted["lopez2021evaluacion"]
    assert "Ciudad de Guatemala" in report.html  # location
    assert 'href="https://doi.org/10.1234/synthetic.2021.12"' in report.html  # doi given as a URL, not doubled
    online = formatted["ministerio2019portal"]
    assert online.label == "Ministerio de Salud Pública y Asistencia Social 2019"
    assert 'href="https://example.org/transparencia?lang=es&amp;page=2"' in online.html  # \& unescaped, then escaped
    thesis = formatted["souza2015saude"]
    assert "PhD thesis, Universidade Sintética de São Paulo" in thesis.html
    assert "Sistema Único de Saúde" in thesis.html


def test_jabref_strings_crossref_and_accents() -> None:
    formatted = load_bibliography(FIXTURES / "jabref.bib", "j.bib").formatted()
    garcia = formatted["Garcia2010"]
    assert garcia.label == "García Márquez and Müller 2010"
    assert "La coordinación interinstitucional en México" in garcia.html
    assert "<em>Journal of Synthetic Public Administration Research</em>" in garcia.html  # @String macro
    hansen = formatted["Hansen2011"]
    assert hansen.label == "Hansen 2011"  # year inherited through crossref
    assert "In <em>Proceedings of the Synthetic Conference on Public Management</em>" in hansen.html
    assert "Bergen: Synthetic Press" in hansen.html
    weber = formatted["Weber1964"]
    assert weber.label == "Weber n.d."
    assert "Economía y sociedad" in weber.html and "2nd edition" in weber.html
    assert weber.note == "See http://example.org/weber – translated edition"  # \url unwrapped


def test_google_scholar_others_becomes_et_al() -> None:
    formatted = load_bibliography(FIXTURES / "scholar.bib", "s.bib").formatted()
    assert formatted["rinc2012coordinacion"].label == "Rincón et al. 2012"
    assert "Secretaría de Desarrollo Social" in formatted["rinc2012coordinacion"].html
    assert formatted["oecd2010"].label == "OECD 2010"


def test_same_author_and_year_are_told_apart() -> None:
    bib = parse(
        "@article{b, author={Peters, B.}, title={Zeta}, journal={J}, year=1998}\n"
        "@book{a, author={Peters, B.}, title={Alpha}, publisher={P}, year=1998}\n"
    )
    labels = bib.labels()
    assert labels == {"a": "Peters 1998a", "b": "Peters 1998b"}
    assert "1998a" in bib.formatted()["a"].html


# --- Hostile values --------------------------------------------------------------------------------


def test_javascript_and_other_schemes_never_become_links() -> None:
    bib = load_bibliography(FIXTURES / "hostile.bib", "hostile.bib")
    html = references_html(bib.keys, bib)
    hrefs = links_in(html).hrefs
    assert all(h.startswith(("https://", "http://")) for h in hrefs), hrefs
    assert "javascript:" not in "".join(hrefs)
    assert "data:" not in "".join(hrefs)
    formatted = bib.formatted()
    assert "<a " not in formatted["js-url"].html
    assert "javascript:alert(1)" in formatted["js-url"].html  # still shown, as text
    assert "<a " not in formatted["script-title"].html  # doi = {javascript:...}
    assert "<a " not in formatted["data-url"].html


def test_a_quote_in_a_url_cannot_break_out_of_the_attribute() -> None:
    bib = load_bibliography(FIXTURES / "hostile.bib", "hostile.bib")
    parsed = links_in(references_html(bib.keys, bib))
    assert all(name in ("href", "rel", "data-key", "class") for name, _ in parsed.attrs_seen), parsed.attrs_seen
    assert not any(name.startswith("on") for name, _ in parsed.attrs_seen)
    assert parsed.hrefs == ["https://example.org/%22%20onmouseover=%22alert(1)"]


def test_markup_in_fields_is_escaped() -> None:
    formatted = load_bibliography(FIXTURES / "hostile.bib", "hostile.bib").formatted()
    html = formatted["script-title"].html
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        (" javascript:alert(1)", None),
        ("java\nscript:alert(1)", None),
        ("vbscript:x", None),
        ("data:text/html,x", None),
        ("//evil.example/x", None),
        ("/relative", None),
        ('x" onmouseover="alert(1)', None),
        ("https://example.org/a b", "https://example.org/a%20b"),
        ('https://example.org/"x', "https://example.org/%22x"),
        ("doi:10.1000/x<y>", "https://doi.org/10.1000/x%3Cy%3E"),
        ("doi:javascript:alert(1)", None),
    ],
)
def test_safe_href(url: str, expected: str | None) -> None:
    assert safe_href(url) == expected


def test_missing_year_reads_nd() -> None:
    formatted = load_bibliography(FIXTURES / "hostile.bib", "hostile.bib").formatted()
    assert formatted["no-year"].label == "Secretaría de Desarrollo Social n.d."
    assert formatted["no-year"].html.startswith("Secretaría de Desarrollo Social. n.d. Reglas de Operación")


# --- Broken files --------------------------------------------------------------------------------


def test_duplicate_keys_are_errors_with_both_lines_also_when_only_case_differs() -> None:
    bib = parse(
        "@book{a1, title={One}, year=2000}\n\n"
        "@book{a1,\n title={Two}, year=2001}\n"
        "@book{A1, title={Three}, year=2002}\n"
    )
    texts = [p.format_text() for p in bib.problems]
    assert "bibliography.bib:3: E304 duplicate key 'a1', first defined on line 1" in texts
    assert (
        "bibliography.bib:5: E304 duplicate key 'A1', first defined on line 1 "
        "(differs only in case from 'a1'; BibTeX keys ignore case)" in texts
    )


def test_a_file_that_is_not_utf8_is_a_clear_error_with_its_line() -> None:
    bib = parse(b"@book{ok, title={Fine}, year=2000}\n@book{bad,\n title={Econom" + "ía}}\n".encode("latin-1"))
    assert len(bib.problems) == 1
    problem = bib.problems[0]
    assert (problem.path, problem.line, problem.code) == ("bibliography.bib", 3, "E301")
    assert "not valid UTF-8 (byte 0xed)" in problem.message
    assert bib.formatted() == {}


def test_an_unclosed_brace_names_the_entry_and_its_line() -> None:
    bib = parse(
        "@book{good, title={Fine}, year=2000}\n\n"
        "@article{broken,\n  title = {Never {closed},\n  year = 2001\n}\n\n"
        "@book{after, title={Swallowed}, year=2002}\n"
    )
    errors = [p.format_text() for p in bib.problems if p.is_error]
    assert "bibliography.bib:3: E302 entry 'broken' is never closed: a '{' in it has no matching '}'" in errors
    bib.formatted()  # does not raise


def test_a_syntax_error_gives_a_line_and_the_rest_still_parses() -> None:
    bib = parse("@book{first, title={One}, year=2000}\n@book{second,\n title = {Two} year = 2001}\n"
                "@book{third, title={Three}, year=2002}\n")
    errors = [p for p in bib.problems if p.is_error]
    assert errors and errors[0].code == "E302" and errors[0].line == 3
    assert "first" in bib.formatted()


def test_undefined_macros_and_duplicate_fields_are_warnings() -> None:
    bib = parse("@article{x,\n title = {T},\n journal = jpart,\n year = 2000,\n year = 2001\n}\n")
    codes = {(p.code, p.line) for p in bib.problems}
    assert ("W302", 3) in codes
    assert ("W303", 1) in codes
    assert not any(p.is_error for p in bib.problems)


def test_pybtex_strict_mode_is_left_alone() -> None:
    import pybtex.errors

    before = pybtex.errors.strict
    parse("@article{x, title = {T}, journal = undefinedmacro, year = 2000}\n")
    assert pybtex.errors.strict == before
    assert pybtex.errors.captured_errors is None


def test_scan_entries_skips_strings_comments_and_at_signs_inside_values() -> None:
    text = (
        '@string{j = "Journal"}\n@comment{ignored @book{no,}}\n'
        "@misc{a, note = {mail me@example.org}}\n"
        "@misc(b, title = {paren form})\n"
    )
    assert [(e.key, e.line) for e in scan_entries(text)] == [("a", 3), ("b", 4)]


# --- Caching -------------------------------------------------------------------------------------


def test_an_unchanged_file_is_parsed_and_formatted_once(tmp_path: Path) -> None:
    path = tmp_path / "bibliography.bib"
    path.write_text(f"% {tmp_path}\n@book{{a, author={{A, B}}, title={{T}}, year=2000}}\n", encoding="utf-8")
    parse_calls = mock.patch.object(Parser, "parse_string", autospec=True,
                                    side_effect=Parser.parse_string)
    format_calls = mock.patch.object(HouseStyle, "format_entry", autospec=True, side_effect=HouseStyle.format_entry)
    with parse_calls as parsed, format_calls as formatted:
        load_bibliography(path, "bibliography.bib").formatted()
        load_bibliography(path, "bibliography.bib").formatted()
        assert (parsed.call_count, formatted.call_count) == (1, 1)
        path.write_text(path.read_text() + "@book{b, title={U}, year=2001}\n", encoding="utf-8")
        load_bibliography(path, "bibliography.bib").formatted()
        assert (parsed.call_count, formatted.call_count) == (2, 3)


@pytest.mark.build
def test_a_serve_style_rebuild_with_an_unchanged_bibliography_does_no_pybtex_work(tmp_path: Path) -> None:
    """Two config+build cycles in one process, as `mkdocs serve` does: pybtex runs in the first only."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = make_site(tmp_path / "site")
    (site / "bibliography.bib").write_text(
        f"% unique to this test: {tmp_path}\n" + (FIXTURES / "jabref.bib").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    parse_calls = mock.patch.object(Parser, "parse_string", autospec=True,
                                    side_effect=Parser.parse_string)
    format_calls = mock.patch.object(HouseStyle, "format_entry", autospec=True, side_effect=HouseStyle.format_entry)
    cwd = os.getcwd()
    os.chdir(site)
    try:
        with parse_calls as parsed, format_calls as formatted:
            build(load_config(str(site / "mkdocs.yml")))
            first = (parsed.call_count, formatted.call_count)
            build(load_config(str(site / "mkdocs.yml")))
            second = (parsed.call_count, formatted.call_count)
    finally:
        os.chdir(cwd)
    assert first == (1, 4)
    assert second == first
    page = (site / "site/bibliography/index.html").read_text(encoding="utf-8")
    assert re.search(r'id="Garcia2010"', page)


def test_tex_quotes_become_typographic_quotes() -> None:
    from casebook.bibliography import decode_latex

    expected = "Moving from \u2018Why\u2019 to \u2018How\u2019: factors"
    assert decode_latex("Moving from `Why' to `How': factors") == expected
    assert decode_latex("Its ``Correlates''") == "Its \u201cCorrelates\u201d"
    assert decode_latex("the state's role") == "the state's role"
