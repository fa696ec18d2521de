"""Where generated pages live, and relative links between them.

Generated listings are HTML blocks (contributor text is escaped once, with ``html.escape``), and MkDocs
does not rewrite links inside raw HTML. So the engine computes each link itself, the way MkDocs maps a
source path to a URL, and only ever links to a page it knows exists: a link to an unknown page is a bug
and raises ``KeyError`` instead of shipping a dead link. The link arithmetic itself is in
``core/links.py``; ``page_url`` and ``relative_url`` are re-exported here for the site's modules.
"""

from __future__ import annotations

from collections.abc import Iterable

from casebook.core.links import page_url as page_url
from casebook.core.links import relative_link
from casebook.core.links import relative_url as relative_url

HOME = "index.md"
CATALOGUE = "cases/index.md"
COUNTRIES = "countries/index.md"
MECHANISMS = "mechanisms/index.md"
POLICY_AREAS = "policy-areas/index.md"
MATRIX = "matrix.md"
COMPARE = "compare/index.md"


def case_src(slug: str) -> str:
    return f"cases/{slug}.md"


def country_src(code: str) -> str:
    return f"countries/{code.lower()}.md"


def mechanism_src(term_id: str) -> str:
    return f"mechanisms/{term_id}.md"


def policy_area_src(term_id: str) -> str:
    return f"policy-areas/{term_id}.md"


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
        url = relative_link(from_src, to_src, directory_urls=self.directory_urls)
        return f"{url}#{fragment}" if fragment else url
