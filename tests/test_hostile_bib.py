"""Hostile bibliography files: each has an exact outcome; no entry can inject markup or a link scheme."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from casebook.bibliography import bibliography_markdown, load_bibliography, parse_bibliography, references_html
from conftest import start_tags

BIB = Path(__file__).parent / "hostile" / "bib"

#: file -> (sorted (line, code) of every problem, entries that are formatted)
EXPECTED: dict[str, tuple[list[tuple[int, str]], list[str]]] = {
    "unbalanced-braces.bib": ([(1, "E302"), (6, "E302")], ["first", "second"]),
    "unknown-macro.bib": ([(4, "W302")], ["macro"]),
    "recursive-macro.bib": ([(1, "W302"), (1, "W302")], ["loop"]),
    "missing-crossref.bib": ([(1, "W305"), (1, "W306")], ["child"]),
    "latin-1.bib": ([(2, "E301")], []),
    "control-characters.bib": ([(2, "E301")], []),
    "deep-braces.bib": ([(1, "W305"), (2, "E302")], ["deep"]),
    "duplicate-and-missing-keys.bib": ([(1, "W305"), (7, "E304"), (13, "E302"), (13, "E303")], ["Same", "unnamed-1"]),
    # A key outside the grammar is an error, and its entry is neither formatted nor published.
    "odd-key.bib": ([(1, "E302"), (1, "E306"), (1, "W302")], []),
    # \\href is outside the TeX allow-list (the link is still shown as text: its scheme is not http).
    "javascript-urls.bib": ([(12, "E308")], ["data-and-doi", "js-url", "js-url-command", "vbscript"]),
    "quote-breaking-urls.bib": ([], ["angle-url", "quote-url", "single-quote-doi"]),
    "markup-in-fields.bib": ([], ["markup"]),
}

ALLOWED_TAGS = {"a", "em", "strong", "i", "b", "span", "sup", "sub", "code", "li", "ol", "ul", "div", "p", "h1"}



def assert_inert(html: str) -> None:
    """Only plain formatting and http(s) links: no script, no handler, no other scheme."""
    for tag, attrs in start_tags(html):
        assert tag in ALLOWED_TAGS, (tag, html)
        for name, value in attrs:
            assert name in ("href", "rel", "class", "id", "data-key"), (name, html)
            if name == "href":
                assert urlsplit(value or "").scheme in ("http", "https"), value


def test_there_are_at_least_ten_hostile_bibliographies() -> None:
    assert len(list(BIB.glob("*.bib"))) >= 10
    assert sorted(p.name for p in BIB.glob("*.bib")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_bibliography_has_exact_outcome(name: str) -> None:
    problems, keys = EXPECTED[name]
    bib = load_bibliography(BIB / name, name)
    formatted = bib.formatted()  # formatting adds its own warnings; it never raises
    assert sorted((p.line, p.code) for p in bib.problems) == problems
    assert sorted(formatted) == keys
    page = bibliography_markdown(bib, {})
    assert_inert(page.split("\n\n", 1)[1])
    assert_inert(references_html(bib.keys, bib))


def test_scripts_and_handlers_in_fields_are_text() -> None:
    bib = load_bibliography(BIB / "markup-in-fields.bib", "markup-in-fields.bib")
    html = bib.formatted()["markup"].html + bib.formatted()["markup"].note
    assert "&lt;script&gt;window.__pwned=4&lt;/script&gt;" in html
    assert "&lt;/li&gt;&lt;/ol&gt;&lt;script&gt;" in html
    assert "<script" not in html and "<iframe" not in html and "<img" not in html


def test_non_web_urls_are_shown_as_text_never_as_links() -> None:
    bib = load_bibliography(BIB / "javascript-urls.bib", "javascript-urls.bib")
    for key, entry in bib.formatted().items():
        assert "<a " not in entry.html, key
    assert "Available at javascript:window.__pwned=1." in bib.formatted()["js-url"].html


def test_quotes_in_urls_stay_inside_the_attribute() -> None:
    bib = load_bibliography(BIB / "quote-breaking-urls.bib", "quote-breaking-urls.bib")
    formatted = bib.formatted()
    assert '<a href="https://example.org/%22%20onmouseover=%22window.__pwned=2" rel="nofollow noopener">' in (
        formatted["quote-url"].html
    )
    assert 'href="https://example.org/%22%3E%3Cscript%3Ewindow.__pwned=3%3C/script%3E"' in formatted["angle-url"].html


def test_odd_keys_are_refused_and_never_become_anchors() -> None:
    bib = load_bibliography(BIB / "odd-key.bib", "odd-key.bib")
    [problem] = [p for p in bib.problems if p.code == "E306"]
    assert problem.format_text().startswith("odd-key.bib:1: E306 key 'odd\"key' is not a citation key")
    assert "rename it, e.g. 'odd-key'" in problem.message
    page = bibliography_markdown(bib, {})
    assert "<li id=" not in page and "odd" not in page
    assert "odd" not in (bib.published() or "")


def test_a_huge_field_renders_without_a_crash() -> None:
    data = b"@book{huge,\n  title = {" + b"word " * 400_000 + b"},\n  author = {Author, Synthetic},\n  year = 2001\n}\n"
    bib = parse_bibliography(data, "huge.bib")
    assert bib.problems == []
    assert bib.formatted()["huge"].html.count("word") == 400_000


def test_thousands_of_authors_render_without_a_crash() -> None:
    authors = b" and ".join(b"Author%d, Synthetic" % i for i in range(5000))
    data = b"@book{many,\n  title = {T},\n  author = {" + authors + b"},\n  year = 2001\n}\n"
    bib = parse_bibliography(data, "many.bib")
    assert bib.problems == [] and "Author4999" in bib.formatted()["many"].html
