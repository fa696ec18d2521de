"""Contributor HTML: the allow-list applied to rendered pages, and finding raw HTML in Markdown.

Case bodies and briefs come from strangers' pull requests. Their rendered HTML
goes through :func:`sanitize_html`, an allow-list (nh3, a binding of the Rust
``ammonia`` sanitizer, which parses HTML as a browser does, so entity-encoded or
oddly spelled ``javascript:`` URLs are recognised): only the elements and
attributes that Markdown, the site's extensions (tables, admonitions, footnotes,
code highlighting, heading anchors) and the site's own generated HTML produce
are kept. No scripts, frames, forms, styles, event handlers or non-web URLs.

:func:`find_raw_html` tells contributors before the build: it runs Python-Markdown's
own block and inline parsing (so code spans and code blocks never count) and
reports every raw HTML fragment with its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import markdown
import nh3
from markdown.inlinepatterns import HTML_RE, HtmlInlineProcessor
from markdown.preprocessors import HtmlBlockPreprocessor

#: Elements kept in contributor content; anything else is removed (its text kept).
ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
        "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
        "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "section", "small", "span",
        "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u",
        "ul", "var", "wbr",
    }
)

#: Elements removed together with everything inside them.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "template", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet",
        "svg", "math", "textarea", "select", "title", "xmp", "noframes", "noembed", "plaintext",
    }
)

ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    # id: heading anchors, footnotes, bibliography entries; class: admonitions, pygments, the case card.
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href", "name", "rel"},
    "img": {"src", "alt", "width", "height", "loading"},
    "section": {"role"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "td": {"align", "colspan", "rowspan"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "time": {"datetime"},
    "details": {"open"},
}

#: Attribute-name prefixes allowed on every element: ``data-*`` (code line numbers, the site's own
#: scripts) and ``aria-*``. ``data-md-*`` is Material's own wiring and is never taken from content.
ALLOWED_PREFIXES = frozenset({"data-", "aria-"})

URL_SCHEMES = frozenset({"http", "https", "mailto"})


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    # Must never raise: nh3 would report the error through sys.unraisablehook.
    try:
        if name.startswith("data-md-"):
            return None
        if tag == "img" and name == "src" and _is_external(value):
            # An image from another host would tell a third party who reads the page.
            return None
        return value
    except Exception:  # pragma: no cover - defensive
        return None


def _is_external(url: str) -> bool:
    stripped = url.strip()
    if stripped.startswith(("//", "\\\\", "/\\", "\\/")):
        return True
    try:
        parts = urlsplit(stripped)
    except ValueError:
        return True
    return bool(parts.scheme or parts.netloc)


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_filter_attribute,
        generic_attribute_prefixes=set(ALLOWED_PREFIXES),
        url_schemes=set(URL_SCHEMES),
        strip_comments=True,
        link_rel=None,
    )


def sanitize_html(html: str) -> str:
    """The allow-listed part of ``html`` (a fragment of page content)."""
    return _cleaner().clean(html)


# --- Configuration that would let content read files or run templates --------------------------------

#: Markdown extensions that read files or evaluate code or templates.
UNSAFE_EXTENSIONS = frozenset(
    {
        "pymdownx.snippets", "pymdownx.b64", "markdown_include.include", "mdx_include", "markdown_include",
        "mkdocs_macros", "pymdownx.arithmatex.exec", "markdown_exec",
    }
)
#: MkDocs plugins that evaluate templates or code in page content, or include other files into it.
UNSAFE_PLUGINS = frozenset(
    {
        "macros", "include-markdown", "markdown-exec", "exec", "simple-hooks", "mkdocs-simple-hooks", "jinja2",
        "mkdocs-jinja2",
    }
)


def unsafe_settings(extensions: Iterable[str], plugins: Iterable[str]) -> list[str]:
    """The configured extensions and plugins that let page content read files or run code or templates."""
    found = [f"markdown extension '{name}'" for name in extensions if name in UNSAFE_EXTENSIONS]
    found += [f"plugin '{name}'" for name in plugins if name.split("/")[-1] in UNSAFE_PLUGINS]
    return sorted(found)


# --- Raw HTML in contributor Markdown ------------------------------------------------------------------


@dataclass(frozen=True)
class RawHtml:
    line: int  # 1-based line within the body
    fragment: str


@dataclass(frozen=True)
class Findings:
    """What a contributor should hear about a body before the build: raw HTML and external images."""

    raw_html: list[RawHtml]
    external_images: list[RawHtml]


class _ImageSources(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.sources.extend(value for name, value in attrs if name == "src" and value)


_MAYBE_HTML = re.compile(r"<[A-Za-z/?!]")  # a cheap necessary condition, not the detector


class _RecordingBlockPreprocessor(HtmlBlockPreprocessor):  # type: ignore[misc]
    """Python-Markdown's raw HTML block step, noting each block it sets aside."""

    def __init__(self, md: Any, found: list[str]) -> None:
        super().__init__(md)
        self.found = found

    def run(self, lines: list[str]) -> list[str]:
        stash = self.md.htmlStash
        before = len(stash.rawHtmlBlocks)
        result: list[str] = super().run(lines)
        self.found.extend(str(block) for block in stash.rawHtmlBlocks[before:])
        return result


class _RecordingInlineProcessor(HtmlInlineProcessor):  # type: ignore[misc]
    """Python-Markdown's inline raw HTML step (after code spans and escapes), noting each tag."""

    def __init__(self, md: Any, found: list[str]) -> None:
        super().__init__(HTML_RE, md)
        self.found = found

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Any, int, int]:
        self.found.append(m.group(1))
        result: tuple[Any, int, int] = super().handleMatch(m, data)
        return result


def _parser(found: list[str]) -> Any:
    md = markdown.Markdown(extensions=["tables", "admonition", "footnotes", "pymdownx.superfences"])
    md.preprocessors.register(_RecordingBlockPreprocessor(md, found), "html_block", 20)
    md.inlinePatterns.register(_RecordingInlineProcessor(md, found), "html", 90)
    return md


def _fenced_lines(lines: list[str]) -> set[int]:
    inside: set[int] = set()
    fence: str | None = None
    for index, line in enumerate(lines):
        stripped = line.lstrip(" ")
        if fence is not None:
            inside.add(index)
            if stripped.startswith(fence) and not stripped[len(fence):].strip(fence[0]).strip():
                fence = None
            continue
        if stripped.startswith(("```", "~~~")) and len(line) - len(stripped) <= 3:
            char = stripped[0]
            fence = char * (len(stripped) - len(stripped.lstrip(char)))
            inside.add(index)
    return inside


def _outside_code_span(line: str, column: int) -> bool:
    return line.count("`", 0, column) % 2 == 0


def find_raw_html(body: str) -> list[RawHtml]:
    """Raw HTML fragments (comments excepted) in a Markdown body, in the order they appear."""
    return inspect_body(body).raw_html


def inspect_body(body: str) -> Findings:
    """Raw HTML fragments (comments excepted) and images from other hosts in a Markdown body, with lines."""
    # One-character tests first: they are a fast memchr, a regex search or a longer needle is not.
    if ("<" not in body or not _MAYBE_HTML.search(body)) and ("!" not in body or "![" not in body):
        return Findings([], [])  # neither can be present: skip the parse (validation stays fast)
    found: list[str] = []
    html = str(_parser(found).convert(body))
    fragments = [f for f in found if not f.lstrip().startswith("<!--")]
    images = _ImageSources()
    images.feed(html)
    external = [src for src in images.sources if _is_external(src)]
    return Findings(_locate(body, fragments), _locate(body, external))


def _locate(body: str, fragments: list[str]) -> list[RawHtml]:
    # Python-Markdown does not keep positions: find each fragment's line in the source, skipping
    # fenced code and code spans, each occurrence used once.
    if not fragments:
        return []
    lines = body.split("\n")
    fenced = _fenced_lines(lines)
    used: set[tuple[int, int]] = set()
    found: list[RawHtml] = []
    for fragment in fragments:
        needle = fragment.strip().split("\n", 1)[0].strip()
        line_number = 1
        for index, line in enumerate(lines):
            if index in fenced:
                continue
            column = line.find(needle)
            while column != -1 and ((index, column) in used or not _outside_code_span(line, column)):
                column = line.find(needle, column + 1)
            if column != -1:
                used.add((index, column))
                line_number = index + 1
                break
        found.append(RawHtml(line_number, fragment))
    found.sort(key=lambda r: r.line)
    return found
