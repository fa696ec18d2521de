"""The one escaping module, attacked once per context: what it returns is the same text there, never markup."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casebook.core.escape import (
    SEGMENT_BREAKS,
    csv_cell,
    html_attr,
    html_block_attr,
    html_block_text,
    html_text,
    json_in_html,
    markdown_entities,
    markdown_text,
    one_line,
)

#: Strings written to break out of each context the site writes to.
HOSTILE = [
    '<script>window.__pwned=1</script>', '"><img src=x onerror=alert(1)>', "' onmouseover='x()'", "</p><h1>x",
    "*em* _em_ **b** `code` [link](javascript:alert(1)) ![i](x.png) <b>b</b> &amp; &lt; # h | t | \\ !",
    "1. list", "- item", "> quote", "=HYPERLINK(\"http://evil.example\")", "Budget pooling;=2*21;in Norway",
    "Bo Berg;=4*5", "+1", "-2", "@SUM(A1)", "\ttab", "x,  =1", 'a;"=b"', "line\nbreak", "cr\rhere",
    "\u2028sep\u2029", "{{ jinja }}", "{% raw %}", "<!-- c -->", "&#x3C;script&#x3E;", "Lægreid, Ørsted & Sø",
]
TEXT = st.one_of(st.sampled_from(HOSTILE), st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.data.append(data)


def _parse(html: str) -> _Collect:
    parser = _Collect()
    parser.feed(html)
    parser.close()
    return parser


@settings(derandomize=True, max_examples=300)
@given(TEXT)
def test_html_text_and_attributes_read_back_as_the_same_text(value: str) -> None:
    parsed = _parse(f"<p>{html_text(value)}</p>")
    assert [t for t, _ in parsed.tags] == ["p"] and "".join(parsed.data) == value.replace("\r\n", "\n")
    for quote in ('"', "'"):
        parsed = _parse(f"<a title={quote}{html_attr(value)}{quote}>x</a>")
        assert parsed.tags == [("a", [("title", value.replace("\r\n", "\n"))])]


@settings(derandomize=True, max_examples=300)
@given(TEXT)
def test_one_line_blocks_hold_no_line_break_and_read_back(value: str) -> None:
    for escaped in (html_block_text(value), html_block_attr(value), one_line(value)):
        assert "\n" not in escaped and "\r" not in escaped
    parsed = _parse(f'<p title="{html_block_attr(value)}">{html_block_text(value)}</p>')
    assert parsed.tags == [("p", [("title", value)])] and "".join(parsed.data) == value


#: Python-Markdown drops control characters (it uses some as placeholders); front-matter never holds them.
PRINTABLE = st.one_of(st.sampled_from(HOSTILE), st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")),
                                                         max_size=60))


@settings(derandomize=True, max_examples=300)
@given(PRINTABLE.map(one_line))
def test_markdown_text_renders_as_exactly_the_text(value: str) -> None:
    for escape in (markdown_text, markdown_entities):
        html = markdown.markdown(f"x {escape(value)} x", extensions=["tables", "footnotes", "admonition"])
        parsed = _parse(html)
        assert [t for t, _ in parsed.tags] == ["p"], (value, html)
        assert "".join(parsed.data) == f"x {value} x".strip(), (value, html)


@settings(derandomize=True, max_examples=300)
@given(st.recursive(TEXT, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3)))
def test_json_in_html_is_the_same_data_and_no_markup(value: object) -> None:
    escaped = json_in_html(json.dumps(value, ensure_ascii=False))
    assert json.loads(escaped) == value
    assert not set(escaped) & {"<", ">", "&", "\u2028", "\u2029"}


@pytest.mark.parametrize("separator", [",", ";", "\t", " ", "|"])
@settings(derandomize=True, max_examples=200)
@given(value=TEXT)
def test_no_csv_cell_starts_a_formula_whatever_the_separator(separator: str, value: str) -> None:
    cell = csv_cell(value)
    for line in cell.replace("\r", "\n").split("\n"):
        for part in line.split(separator):
            assert not part.lstrip(' "').startswith(("=", "+", "-", "@")), (value, cell)
    assert cell.replace("'", "") == value.replace("'", "")  # only quotes were added
    assert SEGMENT_BREAKS >= {",", ";", "\t", " ", "|"}
