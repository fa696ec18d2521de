"""Where generated pages live, and relative links between them.

Generated listings are HTML blocks (contributor text is escaped once, with ``html.escape``), and MkDocs
does not rewrite links inside raw HTML. So the engine computes each link itself, the way MkDocs maps a
source path to a URL, and only ever links to a page it knows exists: a link to an unknown page is a bug
and raises ``KeyError`` instead of shipping a dead link.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

HOME = "index.md"
CATALOGUE = "cases/index.md"
COUNTRIES = "countries/index.md"
MECHANISMS = "mechanisms/index.md"
POLICY_AREAS = "policy-areas/index.md"
MATRIX = "matrix.md"


def case_src(slug: str) -> str:
    return f"cases/{slug}.md"


def country_src(code: str) -> str:
    return f"countries/{code.lower()}.md"


def mechanism_src(term_id: str) -> str:
    return f"mechanisms/{term_id}.md"


def policy_area_src(term_id: str) -> str:
    return f"policy-areas/{term_id}.md"


def page_url(src_uri: str, *, directory_urls: bool = True) -> str:
    """The site-relative URL MkDocs gives the page built from ``src_uri`` (no leading slash)."""
    stem = src_uri.removesuffix(".md")
    parent, _, name = stem.rpartition("/")
    if not directory_urls:
        return f"{stem}.html"
    if name in ("index", "README"):
        return f"{parent}/" if parent else ""
    return f"{stem}/"


def relative_url(from_url: str, to_url: str) -> str:
    """A link from the page at ``from_url`` to ``to_url``, both site-relative."""
    base = from_url if from_url.endswith("/") or from_url == "" else posixpath.dirname(from_url)
    rel = fast_relpath(to_url, base)
    if to_url == "" or to_url.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    return rel


def fast_relpath(to_url: str, base: str) -> str:
    """Fast twin of ``posixpath.relpath("/" + to_url, "/" + base)``: the same, without its normalising when there is
    nothing to normalise.

    Tens of thousands of links are computed per build; ``tests/test_fast_paths.py`` checks that both agree.
    """
    start = [p for p in base.split("/") if p]
    target = [p for p in to_url.split("/") if p]
    if any(p in (".", "..") for p in start) or any(p in (".", "..") for p in target):
        return posixpath.relpath("/" + to_url, "/" + base.rstrip("/"))
    common = 0
    while common < len(start) and common < len(target) and start[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:]) or "."


class Links:
    """Relative links between pages of one build."""

    def __init__(self, known: Iterable[str], *, directory_urls: bool = True) -> None:
        self.known = set(known)
        self.directory_urls = directory_urls

    def add(self, src_uri: str) -> None:
        self.known.add(src_uri)

    def href(self, from_src: str, to_src: str, fragment: str = "") -> str:
        if to_src not in self.known:
            raise KeyError(f"link from {from_src} to unknown page {to_src}")
        url = relative_url(
            page_url(from_src, directory_urls=self.directory_urls),
            page_url(to_src, directory_urls=self.directory_urls),
        )
        return f"{url}#{fragment}" if fragment else url
