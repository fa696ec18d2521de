"""A contributed body (a case's or a brief's text) in the portable site: rendered and sanitized as on the plugin's site.

The plugin sanitizes a contributed page's rendered HTML (``sanitize.py``). A plain build of the portable site
runs no plugin, so the portable site cannot carry the body as Markdown: raw HTML would reach the page as
written, and so would everything Markdown extensions turn into markup (a link's ``javascript:`` URL and
its ``title``, an admonition's type as a ``class``, a code fence's ``#id``). Escaping each of those in the
Markdown would need a second parser that agrees with every extension. Instead the body is rendered here with
the site's own Markdown extensions, sanitized with :func:`~casebook.sanitize.sanitize_html`, and written back
as Markdown that an engine passes through unchanged, so that whatever builds the portable site shows
exactly the sanitized HTML:

- each top-level element is one raw HTML block on one line (line breaks inside it written ``&#10;``), so
  that it ends where it starts in Python-Markdown and in CommonMark alike (a CommonMark HTML block ends at
  a blank line); top-level text and inline elements left bare by the sanitizer are wrapped in ``<p>``;
- each top-level heading stays a Markdown heading, so that it is in the table of contents, with the id
  the sanitized HTML gave it (``{: #id }``, attr_list) and its content written as inline HTML whose text and
  attribute values have every Markdown-special character as a character reference;
- the footnotes block is returned apart, to go at the end of the page, where the plugin's site has it.

Links made by Markdown are rewritten as MkDocs would (a relative link to a file of the site becomes a link
to its URL); links in raw HTML are left as written, as MkDocs leaves them.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import BLOCK_LEVEL_ELEMENTS

from casebook.core.escape import html_block_attr, html_block_text, markdown_entities
from casebook.core.linearinline import LinearInlineExtension
from casebook.site.sanitize import sanitize_html
from casebook.site.urls import page_url, relative_url

#: Elements without an end tag.
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: An id attr_list writes as ``{: #id }`` and that reads back unchanged.
_PLAIN_ID = re.compile(r"[\w.:-]+", re.ASCII)


# --- Rendering, with links rewritten as MkDocs rewrites them ---------------------------------------------


class _Links(Treeprocessor):  # type: ignore[misc]
    """A relative ``a[href]`` or ``img[src]`` to a file of the site becomes a link to its URL, as MkDocs does."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.page = "index.md"
        self.known: Container[str] = ()
        self.directory_urls = True

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            key = {"a": "href", "img": "src"}.get(str(element.tag))
            value = element.get(key) if key else None
            if key and value is not None:
                element.set(key, self.url(value))

    def url(self, link: str) -> str:
        try:
            scheme, netloc, path, query, fragment = urlsplit(link)
        except ValueError:
            return link
        if scheme or netloc or not path or link.startswith(("/", "\\")):
            return link  # another site, an absolute path, or this page: as MkDocs leaves them
        target = posixpath.normpath(posixpath.join(posixpath.dirname(self.page), unquote(path)).lstrip("/"))
        if target not in self.known:
            return link  # MkDocs warns and leaves it
        url = page_url(target, directory_urls=self.directory_urls) if target.endswith(".md") else target
        here = page_url(self.page, directory_urls=self.directory_urls)
        return urlunsplit(("", "", relative_url(here, quote(url)), query, fragment))


class _LinksExtension(Extension):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.processor: _Links | None = None

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        self.processor = _Links(md)
        md.treeprocessors.register(self.processor, "casebook_portable_links", 1)


@dataclass
class PortableBody:
    """A body as it goes into a portable page: the Markdown for its place, and its footnotes for the page's end."""

    markdown: str
    footnotes: str = ""


class BodyRenderer:
    """Renders contributed bodies with one set of Markdown extensions (one parser, reset between bodies)."""

    def __init__(self, extensions: list[str], configs: dict[str, dict[str, Any]], known: Container[str], *,
                 directory_urls: bool = True) -> None:
        links = _LinksExtension()
        self.md = markdown.Markdown(extensions=[*extensions, links, LinearInlineExtension()], extension_configs=configs)
        assert links.processor is not None
        self.links = links.processor
        self.links.known = known
        self.links.directory_urls = directory_urls

    def render(self, body: str, page: str) -> PortableBody:
        """``body`` (Markdown of the page at source path ``page``) as sanitized HTML written for any engine."""
        self.links.page = page
        try:
            rendered = str(self.md.convert(body))
        finally:
            self.md.reset()
        return portable_markdown(sanitize_html(rendered))


# --- Sanitized HTML back into Markdown that engines pass through ----------------------------------------


@dataclass
class _Element:
    tag: str
    attrs: list[tuple[str, str]]
    children: list[_Element | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """The sanitizer's output (well-formed, serialized by html5ever) as a tree of :class:`_Element`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("", [])
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = _Element(tag, [(name, value or "") for name, value in attrs])
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _parse(fragment: str) -> list[_Element | str]:
    builder = _TreeBuilder()
    builder.feed(fragment)
    builder.close()
    return builder.root.children


def _serialize(node: _Element | str, text: Callable[[str], str], attr: Callable[[str], str]) -> str:
    if isinstance(node, str):
        return text(node)
    attrs = "".join(f' {name}="{attr(value)}"' for name, value in node.attrs)
    if node.tag in VOID:
        return f"<{node.tag}{attrs}>"
    inner = "".join(_serialize(child, text, attr) for child in node.children)
    return f"<{node.tag}{attrs}>{inner}</{node.tag}>"


def _html_block(nodes: list[_Element | str]) -> str:
    """One line of HTML that Python-Markdown and CommonMark both keep as one raw block."""
    return "".join(_serialize(node, html_block_text, html_block_attr) for node in nodes)


def _is_permalink(node: _Element | str) -> bool:
    return isinstance(node, _Element) and node.tag == "a" and "headerlink" in dict(node.attrs).get("class", "").split()


def _heading(element: _Element) -> str | None:
    """A top-level heading as a Markdown heading with its id, or ``None`` if one cannot say the same."""
    attrs = dict(element.attrs)
    ident = attrs.get("id", "")
    children = element.children[:-1] if element.children and _is_permalink(element.children[-1]) else element.children
    content = "".join(_serialize(node, markdown_entities, markdown_entities) for node in children).strip()
    if set(attrs) != {"id"} or not _PLAIN_ID.fullmatch(ident) or not content:
        return None  # written as the HTML it is: out of the table of contents, but exactly what was sanitized
    return f"{'#' * int(element.tag[1])} {content} {{: #{ident} }}"


def _is_footnotes(node: _Element | str) -> bool:
    return isinstance(node, _Element) and node.tag == "div" and "footnote" in dict(node.attrs).get("class", "").split()


def portable_markdown(sanitized: str) -> PortableBody:
    """Sanitized HTML (a fragment) as Markdown that every engine renders back to the same HTML."""
    nodes = _parse(sanitized)
    footnotes = ""
    if nodes and _is_footnotes(nodes[-1]):
        last = nodes.pop()
        footnotes = _html_block([last])
    parts: list[str] = []
    inline: list[_Element | str] = []

    def flush() -> None:
        if any(isinstance(node, _Element) or node.strip() for node in inline):
            parts.append(_html_block([_Element("p", [], list(inline))]))
        inline.clear()

    for node in nodes:
        if isinstance(node, str) or node.tag not in BLOCK_LEVEL_ELEMENTS:
            inline.append(node)
            continue
        flush()
        heading = _heading(node) if node.tag in HEADINGS else None
        parts.append(heading if heading is not None else _html_block([node]))
    flush()
    return PortableBody("\n\n".join(parts) + "\n" if parts else "", footnotes + "\n" if footnotes else "")
