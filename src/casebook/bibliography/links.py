"""Links in formatted entries, and the check every entry's HTML passes.

pybtex's HTML backend writes ``href`` values unescaped and unchecked, so :class:`SafeLinks` builds links itself:
only ``http``/``https`` (and DOIs, as ``https://doi.org/``), attribute-escaped; anything else stays text. Each
formatted entry then passes :func:`safe_entry_html`: the house style's own markup, balanced, with links only to
the entry's own ``url``, ``doi`` or ``eprint``, or it is sanitized.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urlsplit

#: How a DOI may be written before the DOI itself (as an address, or as ``doi:``).
DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:")


def safe_href(url: str) -> str | None:
    """``url`` as an ``href`` value if it is an absolute http(s) or doi: link, else ``None``.

    The result is percent-encoded where a browser would need it; callers still attribute-escape it.
    """
    text = url.strip()
    if not text or any(ord(ch) < 0x21 or ch == "\x7f" for ch in text.replace(" ", "")):
        return None
    if text.lower().startswith("doi:"):
        return doi_href(text[4:])
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(text, safe=":/?#[]@!$&'()*+,;=%~")


def doi_href(doi: str) -> str | None:
    value = doi.strip()
    for prefix in DOI_PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix):]
    value = value.strip()
    if not value.startswith("10.") or any(ord(ch) < 0x21 for ch in value):
        return None
    return "https://doi.org/" + quote(value, safe="/:;()._-")


class SafeLinks:
    """What :func:`html_backend` adds to pybtex's HTML backend: links it checks and escapes, and no
    ``bibtex-protected`` spans."""

    def format_protected(self, text: str) -> str:
        return text

    def format_href(self, url: str, text: str, external: bool = False) -> str:
        target = link_target(url)
        if not text:
            return ""
        if target is None:
            return text
        return f'<a href="{html.escape(target, quote=True)}" rel="nofollow noopener">{text}</a>'


def link_target(url: str) -> str | None:
    """The ``href`` of a link the house style makes to ``url`` (not yet attribute-escaped), or ``None``."""
    target = safe_href(url)
    if target is not None and target.startswith("https://doi.org/"):
        target = doi_href(target)  # the doi field joined to the resolver: check it is a DOI
    return target


def entry_links(fields: Mapping[str, str]) -> frozenset[str]:
    """The only ``href`` values an entry's HTML may hold: its own ``url``, ``doi`` and arXiv ``eprint``, made
    into links as :meth:`HouseStyle.web_refs` makes them."""
    made = (
        link_target(fields["url"]) if "url" in fields else None,
        link_target("https://doi.org/" + fields["doi"]) if "doi" in fields else None,
        link_target("https://arxiv.org/abs/" + fields["eprint"]) if "eprint" in fields else None,
    )
    return frozenset(target for target in made if target is not None)


#: What an entry's HTML may hold: the house style's tags, and links with exactly these attributes.
ENTRY_TAGS = frozenset({"a", "em", "strong", "i", "b", "sup", "sub"})
LINK_REL = "nofollow noopener"


class _EntryHtmlCheck(HTMLParser):
    """Tokenizes an entry's HTML and notes anything the house style never writes: another tag or attribute, a
    link to anything but ``links`` or inside another link, an end tag out of order, an element left open, a
    ``<`` or ``>`` that is not part of a tag, a comment or a declaration."""

    def __init__(self, links: frozenset[str]) -> None:
        super().__init__(convert_charrefs=False)
        self.links = links
        self.open: list[str] = []
        self.ok = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ENTRY_TAGS:
            self.ok = False
        elif tag == "a":
            found = dict(attrs)
            exact = len(found) == len(attrs) == 2 and found.get("rel") == LINK_REL and "a" not in self.open
            self.ok &= exact and found.get("href") in self.links
        elif attrs:
            self.ok = False
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ok = False

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.ok = False

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            self.ok = False

    def handle_comment(self, data: str) -> None:
        self.ok = False

    def handle_decl(self, decl: str) -> None:
        self.ok = False

    def handle_pi(self, data: str) -> None:
        self.ok = False

    def unknown_decl(self, data: str) -> None:
        self.ok = False


def safe_entry_html(fragment: str, links: frozenset[str]) -> str:
    """``fragment`` if it is the house style's own HTML (:class:`_EntryHtmlCheck`), else ``fragment`` sanitized:
    balanced, only :data:`ENTRY_TAGS`, links only to ``links``.

    The house style's output passes unchanged; a sanitizer writes even a clean fragment differently
    (``&ndash;`` as a character), so it only sees what failed the check.
    """
    check = _EntryHtmlCheck(links)
    check.feed(fragment)
    check.close()
    if check.ok and not check.open:
        return fragment
    import nh3

    def allow(tag: str, attribute: str, value: str) -> str | None:
        if tag == "a" and (attribute == "href" and value in links or attribute == "rel" and value == LINK_REL):
            return value
        return None

    cleaned = nh3.clean(
        fragment, tags=set(ENTRY_TAGS), attributes={"a": {"href"}}, attribute_filter=allow, link_rel=LINK_REL,
        url_schemes={"http", "https"}, strip_comments=True,
    )
    return str(cleaned).replace("&nbsp;", "\xa0")


@functools.cache
def html_backend() -> Any:
    """pybtex's HTML backend with :class:`SafeLinks`, made on first use.

    pybtex's HTML backend imports ``urllib.request`` (through ``xml.sax.saxutils``), which reading and checking
    the bibliography never needs: ``casebook validate`` does not pay for it.
    """
    from pybtex.backends.html import Backend as HtmlBackend

    class SafeHtmlBackend(SafeLinks, HtmlBackend):  # type: ignore[misc]
        pass

    return SafeHtmlBackend()
