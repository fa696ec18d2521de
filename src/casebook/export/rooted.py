"""Links in the portable site's generated HTML, written from the site's root so that every engine reads them alike.

MkDocs leaves a link in raw HTML as written: the browser reads ``../countries/no/`` from the page's URL. Zensical
rewrites it: it reads the link from the folder of the page's source file, as it reads a Markdown link, and
makes it relative to the page's URL again, so the link from ``cases/x.md`` (built at ``cases/x/``) gains a
``../`` and misses. No relative link means the same under both, but a link from the root does: the page's
relative link resolved against its URL, under the path of ``site_url`` (``/`` when the site has none).
The built site is then served at that path, as ``mkdocs serve`` and a published site are.

Only the HTML the engine generates goes through here (listings, case cards, the bibliography, rendered
bodies, the lists filled into hand-written pages); hand-written Markdown is left as its author wrote it.
"""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from urllib.parse import urlsplit, urlunsplit

from casebook.core.escape import html_block_attr
from casebook.core.links import page_url

#: The attributes that hold a link, by element.
LINK_ATTRIBUTES = {"a": "href", "area": "href", "link": "href", "img": "src", "source": "src", "script": "src"}


def site_root(site_url: str) -> str:
    """The path the site is served at, from ``site_url``: ``/`` for none, always ending in ``/``."""
    try:
        path = urlsplit(site_url).path
    except ValueError:
        path = ""
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"


def rooted_href(href: str, page: str, root: str) -> str:
    """``href`` from the page at site-relative URL ``page``, as a link from the site's root at ``root``.

    Links to other sites, from the root already, to this page's own anchors or without a path stay as written.
    """
    try:
        scheme, netloc, path, query, fragment = urlsplit(href)
    except ValueError:
        return href
    if scheme or netloc or not path or path.startswith(("/", "\\")):
        return href
    base = page if page.endswith("/") or page == "" else posixpath.dirname(page) + "/"
    target = posixpath.normpath(posixpath.join("/", base, path)).lstrip("/")
    if path.endswith("/") and target and target != ".":
        target += "/"
    if target == ".":
        target = ""
    return urlunsplit(("", "", root + target, query, fragment))


class _StartTags(HTMLParser):
    """The start tags of a text with a relative link, each with its offset and its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, int, int, str, list[tuple[str, str | None]], bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._take(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._take(tag, attrs, closed=True)

    def _take(self, tag: str, attrs: list[tuple[str, str | None]], *, closed: bool) -> None:
        name = LINK_ATTRIBUTES.get(tag)
        if name is None or not any(key == name for key, _ in attrs):
            return
        raw = self.get_starttag_text() or ""
        line, column = self.getpos()
        self.found.append((line, column, len(raw), tag, attrs, closed))


def rooted_links(markdown: str, src_uri: str, root: str, *, directory_urls: bool = True) -> str:
    """``markdown`` (generated Markdown and HTML) with each relative link in an HTML tag written from ``root``.

    A tag with such a link is written anew, every attribute value escaped for one line of an HTML block; any
    other text is left byte for byte.
    """
    if "<" not in markdown:
        return markdown
    parser = _StartTags()
    parser.feed(markdown)
    parser.close()
    if not parser.found:
        return markdown
    starts = [0]
    for i, ch in enumerate(markdown):
        if ch == "\n":
            starts.append(i + 1)
    page = page_url(src_uri, directory_urls=directory_urls)
    out: list[str] = []
    pos = 0
    for line, column, length, tag, attrs, closed in parser.found:
        offset = starts[line - 1] + column
        link = LINK_ATTRIBUTES[tag]
        changed = False
        written = []
        for key, value in attrs:
            if key == link and value is not None:
                new = rooted_href(value, page, root)
                changed |= new != value
                value = new
            written.append(f" {key}" if value is None else f' {key}="{html_block_attr(value)}"')
        if not changed:
            continue
        out.append(markdown[pos:offset])
        out.append(f"<{tag}{''.join(written)}{' /' if closed else ''}>")
        pos = offset + length
    out.append(markdown[pos:])
    return "".join(out)
