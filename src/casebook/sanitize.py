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
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import markdown
import nh3
from markdown.inlinepatterns import HTML_RE, HtmlInlineProcessor
from markdown.preprocessors import HtmlBlockPreprocessor
from markdown.treeprocessors import Treeprocessor

from .markdownsetup import MarkdownSetup

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
    # id: heading anchors and footnotes (renamed away from the theme's and the plugin's, see content_id);
    # class: from CONTENT_CLASSES only; title: plain text only.
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

#: Attribute-name prefixes allowed on every element. Never ``data-*``: the theme's and the site's scripts
#: act on data attributes (``data-md-*``, ``data-clipboard-text``, ``data-pagefind-*``, ``data-cb-*``).
ALLOWED_PREFIXES = frozenset({"aria-"})

URL_SCHEMES = frozenset({"http", "https", "mailto"})

#: Admonition and details types (Material's, with their aliases), and the modifiers Material styles.
#: ``casebook validate`` refuses any other type: its word would become a class the theme acts on.
ADMONITION_TYPES = frozenset(
    {
        "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important", "success", "check",
        "done", "question", "help", "faq", "warning", "caution", "attention", "failure", "fail", "missing",
        "danger", "error", "bug", "example", "quote", "cite",
    }
)
ADMONITION_MODIFIERS = frozenset({"inline", "end"})

#: Pygments' token classes, as pymdownx.highlight writes them inside a code block.
_PYGMENTS_CLASSES = frozenset(
    {
        "bp", "c", "c1", "ch", "cm", "cp", "cpf", "cs", "dl", "err", "esc", "fm", "g", "gd", "ge", "ges", "gh",
        "gi", "go", "gp", "gr", "gs", "gt", "gu", "hll", "il", "k", "kc", "kd", "kn", "kp", "kr", "kt", "l", "ld",
        "m", "mb", "mf", "mh", "mi", "mo", "n", "na", "nb", "nc", "nd", "ne", "nf", "ni", "nl", "nn", "no", "nt",
        "nv", "nx", "o", "ow", "p", "pm", "s", "s1", "s2", "sa", "sb", "sc", "sd", "se", "sh", "si", "sr", "ss",
        "sx", "vc", "vg", "vi", "vm", "w", "x",
    }
)

#: Every class contributor HTML may carry: what Markdown and the site's extensions write (admonitions,
#: details, footnotes, heading permalinks, code highlighting, the site's citation links). None of them is
#: a class the theme's or the site's scripts act on, nor one that places an element over the page.
CONTENT_CLASSES = (
    ADMONITION_TYPES | ADMONITION_MODIFIERS | _PYGMENTS_CLASSES
    | {
        "admonition", "admonition-title", "footnote", "footnote-ref", "footnote-backref", "headerlink",
        "highlight", "highlighttable", "linenos", "linenodiv", "filename", "code",
        "cb-citation", "cb-cite", "cb-cite-missing", "cb-case-summary",
    }
)
#: ``language-<lexer>`` on code blocks (pymdownx.highlight); never mermaid, which the theme would render.
_LANGUAGE_CLASS = re.compile(r"language-[a-z0-9][a-z0-9_+#.-]{0,40}")

#: Ids the plugin gives its own elements on pages that also show contributor content.
RESERVED_IDS = frozenset({"case-title", "brief-title", "key-messages"})
#: Id prefixes that belong to the theme (``__config``, ``__search``, ``__drawer``...) and the plugin.
RESERVED_ID_PREFIXES = ("_", "cb-", "md-", "casebook-")
#: The prefix a contributor id that would collide is given instead.
CONTENT_ID_PREFIX = "c-"
_PLAIN_ID = re.compile(r"[^\W_][\w:.-]*")


def content_id(value: str) -> str:
    """The id a contributor element gets for ``value``: itself, unless the theme or the plugin could use it.

    Material finds its configuration with ``querySelector("#__config")`` and contributor content comes before
    it in the page; browsers also expose ids as ``window`` properties. An id that starts with a reserved
    prefix, is one the plugin writes, or is not a plain word (``$``, spaces, quotes) is prefixed with
    ``c-`` (characters outside words, ``:``, ``.`` and ``-`` become ``-``), so it can never equal one of
    theirs. Links to it within the content (``href="#..."``) and the table of contents are renamed alike.
    """
    if value not in RESERVED_IDS and not value.startswith(RESERVED_ID_PREFIXES) and _PLAIN_ID.fullmatch(value):
        return value
    return CONTENT_ID_PREFIX + re.sub(r"[^\w:.-]", "-", value)


def content_classes(value: str) -> str | None:
    """The allow-listed classes of a ``class`` attribute's value, or None if none is left."""
    kept = [c for c in value.split() if c in CONTENT_CLASSES or _is_language_class(c)]
    return " ".join(kept) or None


def _is_language_class(name: str) -> bool:
    return name != "language-mermaid" and _LANGUAGE_CLASS.fullmatch(name) is not None


def rename_toc_ids(items: Iterable[Any]) -> None:
    """Give a page's table of contents (MkDocs' ``AnchorLink`` tree) the ids :func:`content_id` gives its headings."""
    for item in items:
        item.id = content_id(item.id)
        rename_toc_ids(item.children)


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    # Must never raise: nh3 would report the error through sys.unraisablehook.
    try:
        if name == "class":
            return content_classes(value)
        if name == "id" or (name == "name" and tag == "a"):
            return content_id(value)
        if name == "title" and ("<" in value or ">" in value):
            return None  # a title is never HTML, whatever the theme's tooltips might do with it
        if tag == "a" and name == "href" and value.startswith("#") and len(value) > 1:
            return "#" + content_id(value[1:])
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
    """What a contributor should hear about a body before the build."""

    raw_html: list[RawHtml]
    external_images: list[RawHtml]
    #: Admonition or details types outside :data:`ADMONITION_TYPES` (their word would become a class).
    unknown_types: list[RawHtml] = field(default_factory=list)


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


class _RecordingTypes(Treeprocessor):  # type: ignore[misc]
    """Notes the type words of every admonition and details block, as the extensions wrote them into ``class``."""

    def __init__(self, md: Any, types: list[str]) -> None:
        super().__init__(md)
        self.types = types

    def run(self, root: Any) -> None:
        for element in root.iter():
            classes = (element.get("class") or "").split()
            if element.tag == "details" or (element.tag == "div" and "admonition" in classes):
                self.types.extend(c for c in classes if c != "admonition")


def _parser(found: list[str], types: list[str], setup: MarkdownSetup) -> Any:
    md = markdown.Markdown(extensions=list(setup.extensions), extension_configs=setup.configs)
    md.preprocessors.register(_RecordingBlockPreprocessor(md, found), "html_block", 20)
    md.inlinePatterns.register(_RecordingInlineProcessor(md, found), "html", 90)
    md.treeprocessors.register(_RecordingTypes(md, types), "casebook_types", 0)
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


def find_raw_html(body: str, setup: MarkdownSetup | None = None) -> list[RawHtml]:
    """Raw HTML fragments (comments excepted) in a Markdown body, in the order they appear."""
    return inspect_body(body, setup).raw_html


def inspect_body(body: str, setup: MarkdownSetup | None = None) -> Findings:
    """Raw HTML, images from other hosts and unknown admonition types in a Markdown body, with lines.

    The body is parsed with ``setup``'s extensions, the ones the site renders with (``mkdocs.yml``).
    """
    # One-character tests first: they are a fast memchr, a regex search or a longer needle is not.
    if (("<" not in body or not _MAYBE_HTML.search(body)) and ("!" not in body or "![" not in body)
            and "!!!" not in body and "???" not in body):
        return Findings([], [])  # none can be present: skip the parse (validation stays fast)
    found: list[str] = []
    types: list[str] = []
    html = str(_parser(found, types, setup or MarkdownSetup()).convert(body))
    fragments = [f for f in found if not f.lstrip().startswith("<!--")]
    images = _ImageSources()
    images.feed(html)
    external = [src for src in images.sources if _is_external(src)]
    unknown = [t for t in dict.fromkeys(types) if t not in ADMONITION_TYPES and t not in ADMONITION_MODIFIERS]
    return Findings(_locate(body, fragments), _locate(body, external), _locate_types(body, unknown))


def _locate_types(body: str, unknown: list[str]) -> list[RawHtml]:
    # The line of each admonition or details opener ("!!!", "???", "???+") naming an unknown type.
    if not unknown:
        return []
    lines = body.split("\n")
    fenced = _fenced_lines(lines)
    found: list[RawHtml] = []
    for kind in unknown:
        line_number = 1
        for index, line in enumerate(lines):
            words = line.strip().split()
            if index not in fenced and words and words[0] in ("!!!", "???", "???+") and kind in words[1:]:
                line_number = index + 1
                break
        found.append(RawHtml(line_number, kind))
    found.sort(key=lambda r: r.line)
    return found


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
