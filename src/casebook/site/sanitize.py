"""Contributor HTML: the allow-list applied to rendered pages, and the settings that would let content run code.

Case bodies and briefs come from strangers' pull requests. Their rendered HTML
goes through :func:`sanitize_html`, an allow-list (nh3, a binding of the Rust
``ammonia`` sanitizer, which parses HTML as a browser does, so entity-encoded or
oddly spelled ``javascript:`` URLs are recognised): only the elements and
attributes that Markdown, the site's extensions (tables, admonitions, footnotes,
code highlighting, heading anchors) and the site's own generated HTML produce
are kept. No scripts, frames, forms, styles, event handlers or non-web URLs.

Telling contributors before the build is ``casebook.core.markup``'s job; this module is what the
build does with whatever gets through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import nh3

from casebook.core.markup import ADMONITION_MODIFIERS, ADMONITION_TYPES, is_external_url

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
#: Classes the theme shows only on hover (a heading's permalink, a footnote's way back): only ever on a link.
LINK_ONLY_CLASSES = frozenset({"headerlink", "footnote-backref"})
#: The classes kept inside a code block (``<pre>``): Material's copy button copies all the text in it, and text
#: that a class hides there (a permalink's, a footnote link's) would reach the reader's clipboard unseen.
CODE_BLOCK_CLASSES = _PYGMENTS_CLASSES | {"linenos"}
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


def content_classes(value: str, tag: str = "a") -> str | None:
    """The allow-listed classes of a ``class`` attribute's value on a ``tag`` element, or None if none is left."""
    kept = [c for c in value.split() if (c in CONTENT_CLASSES and (tag == "a" or c not in LINK_ONLY_CLASSES))
            or _is_language_class(c)]
    return " ".join(kept) or None


def _code_block_classes(match: re.Match[str]) -> str:
    kept = [c for c in match[1].split() if c in CODE_BLOCK_CLASSES or _is_language_class(c)]
    return f' class="{" ".join(kept)}"' if kept else ""


def _clean_code_block(match: re.Match[str]) -> str:
    return _START_TAG.sub(lambda tag: _CLASS_ATTRIBUTE.sub(_code_block_classes, tag[0]), match[0])


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
            return content_classes(value, tag)
        if name == "id" or (name == "name" and tag == "a"):
            return content_id(value)
        if name == "role" and not value.startswith("doc-"):
            return None  # a section may say it is the notes (doc-endnotes), never a dialog, alert or button
        if name == "aria-modal":
            return None  # nothing from content is a modal dialog for a screen reader
        if name == "title" and ("<" in value or ">" in value):
            return None  # a title is never HTML, whatever the theme's tooltips might do with it
        if tag == "a" and name == "href" and value.startswith("#") and len(value) > 1:
            return "#" + content_id(value[1:])
        if tag == "img" and name == "src" and is_external_url(value):
            # An image from another host would tell a third party who reads the page.
            return None
        return value
    except Exception:  # pragma: no cover - defensive
        return None


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


#: A code block, a start tag and a class attribute in the cleaner's output, which writes every ``<`` of text as
#: ``&lt;`` and every attribute value in ``"`` (with ``&quot;`` inside).
_CODE_BLOCK = re.compile(r"<pre\b.*?</pre>", re.DOTALL)
_START_TAG = re.compile(r'<[a-zA-Z][^\s/>]*(?:\s+[^\s"=/>]+(?:="[^"]*")?)*\s*/?>')
_CLASS_ATTRIBUTE = re.compile(r' class="([^"]*)"')


def sanitize_html(html: str) -> str:
    """The allow-listed part of ``html`` (a fragment of page content); in code blocks, highlighting classes only."""
    cleaned = _cleaner().clean(html)
    return _CODE_BLOCK.sub(_clean_code_block, cleaned) if "<pre" in cleaned else cleaned


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
