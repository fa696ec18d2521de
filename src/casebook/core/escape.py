"""Text from contributors, made safe for each place the site writes it. The one module that escapes.

Titles, summaries, names and every other front-matter value come from strangers' pull requests. Each
function here takes plain text and returns it as the same text in one context, never as markup:

- :func:`html_text` and :func:`html_attr`: HTML element content and a double-quoted attribute value;
- :func:`markdown_text`: Markdown inline text (headings, link text, list items, table cells), with every
  character Python-Markdown (and its tables extension) reads as syntax backslash-escaped and ``& < >``
  written as entities, so that the rendered HTML shows exactly the text;
- :func:`json_in_html`: JSON text that cannot end a ``<script>`` element or be read as markup;
- :func:`csv_cell`: a spreadsheet cell that no spreadsheet runs as a formula, whatever separator it splits on;
- :func:`one_line`: whitespace collapsed, for values that must not end an HTML block early;
- :func:`markdown_entities`, :func:`html_block_text` and :func:`html_block_attr`: the same, for Markdown that
  must render to exactly the HTML it stands for (``casebook export`` writes sanitized HTML back as Markdown):
  syntax characters and line breaks as numeric character references, so nothing is read as Markdown and no
  line of HTML ends early.

BibTeX and TeX have their own rules and their own module (``casebook.bibliography.bibtex``).
"""

from __future__ import annotations

import html
import string

#: What Python-Markdown honours a backslash escape for (its ``ESCAPED_CHARS``, plus ``|`` from the tables
#: extension, which MkDocs always loads). ``>`` is not among them: :func:`html.escape` writes it ``&gt;``.
MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()#+-.!|")

#: What :func:`markdown_entities` writes as character references: ASCII punctuation but for ``, . ? '``, and
#: line breaks.
ENTITY_SPECIAL = frozenset(string.punctuation) - frozenset(",.?'") | {"\n", "\r"}

#: What makes a spreadsheet read a cell as a formula when the cell starts with it (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Where a spreadsheet may start a new cell: the list separators of every locale (``,`` in English, ``;`` in
#: German, French, Dutch, Spanish or Italian, a tab), the space and ``|`` a reader may choose on import, and line
#: breaks. ``cases.csv`` quotes its cells for ``,``, but a spreadsheet that splits on ``;`` ignores that, and
#: ``Budget pooling;=2*21`` would hold a formula.
SEGMENT_BREAKS = frozenset(",;\t\r\n |")
#: What a spreadsheet skips before the start of a cell: spaces and the quotes of a quoted cell.
SEGMENT_PADDING = frozenset(' "')


def html_text(value: str) -> str:
    """``value`` as HTML element content."""
    return html.escape(value, quote=False)


def html_attr(value: str) -> str:
    """``value`` as a double- or single-quoted HTML attribute value."""
    return html.escape(value, quote=True)


def one_line(value: str) -> str:
    """``value`` with every run of whitespace (line breaks included) written as one space."""
    return " ".join(value.split())


def markdown_text(value: str) -> str:
    """``value`` as Markdown inline text: rendered, it is exactly ``value``, with no emphasis, link or HTML."""
    escaped = "".join("\\" + ch if ch in MARKDOWN_SPECIAL else ch for ch in value)
    return html.escape(escaped, quote=False)


def markdown_entities(value: str) -> str:
    """``value`` as Markdown text whose HTML is exactly ``value``'s: syntax characters as ``&#NN;``."""
    return "".join(f"&#{ord(ch)};" if ch in ENTITY_SPECIAL else ch for ch in value)


def html_block_text(value: str) -> str:
    """``value`` as HTML text on one line: line breaks as character references, not as line ends."""
    return html_text(value).replace("\n", "&#10;").replace("\r", "&#13;")


def html_block_attr(value: str) -> str:
    """``value`` as an attribute value on one line: line breaks as character references."""
    return html_attr(value).replace("\n", "&#10;").replace("\r", "&#13;")


def json_in_html(json_text: str) -> str:
    """JSON text with ``< > &`` and the JavaScript line separators written as ``\\u`` escapes.

    The same data for any JSON reader; in a ``<script>`` element it cannot close the element, and pasted into
    HTML by a careless consumer it holds no markup. (Outside strings, JSON never has these characters.)
    """
    return (json_text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def csv_cell(text: str) -> str:
    """``text`` with a ``'`` in front if a spreadsheet would take it for a formula, and a ``'`` before each
    ``=``, ``+``, ``-`` or ``@`` that starts a part of it when it is split on ``,``, ``;``, a tab, a space, ``|`` or
    a line break (after spaces or quotes): no part of the cell is a formula whatever the reader's list separator."""
    if text.startswith(FORMULA_START):
        text = "'" + text
    if not any(ch in SEGMENT_BREAKS for ch in text):
        return text
    out = []
    starting = False  # just after a break, among the spaces and quotes before the next cell's text
    for ch in text:
        if starting and ch in "=+-@":
            out.append("'")
        out.append(ch)
        if ch in SEGMENT_BREAKS:
            starting = True
        elif ch not in SEGMENT_PADDING:
            starting = False
    return "".join(out)
