"""A generated page in memory, and the hand-written pages the site fills in or stands in for."""

from __future__ import annotations

from dataclasses import dataclass

from casebook.core.escape import markdown_text

#: Where the generated part of the home page goes in a hand-written ``docs/index.md``.
HOME_MARKER = "<!-- casebook:home -->"


@dataclass(frozen=True)
class SitePage:
    """A page that exists only in memory."""

    src_uri: str
    title: str  # plain text; templates get it HTML-escaped
    markdown: str
    in_nav: bool = False
    edit_path: str | None = None  # the source file an edit link points to


def fill_home(markdown: str, sections: str) -> str:
    """Put the generated home sections where ``docs/index.md`` has the marker, or after its text."""
    if HOME_MARKER in markdown:
        return markdown.replace(HOME_MARKER, "\n" + sections + "\n", 1)
    return markdown.rstrip("\n") + "\n\n" + sections


def default_home(site_name: str) -> str:
    """The home page's Markdown when ``docs/`` has no ``index.md``."""
    return f"# {markdown_text(site_name)}\n\n{HOME_MARKER}\n"


BRIEFS_INDEX = "briefs/index.md"
BIBLIOGRAPHY = "bibliography.md"


def fallback_pages() -> list[SitePage]:
    """Minimal pages the nav needs when nothing else provides them."""
    return [
        SitePage(
            BIBLIOGRAPHY,
            "Bibliography",
            "# Bibliography\n\nThe sources that the catalogue's cases and policy briefs cite.\n",
            in_nav=True,
        ),
        SitePage(
            BRIEFS_INDEX,
            "Policy briefs",
            "# Policy briefs\n\nShort papers for practitioners that draw lessons across the catalogue's cases.\n",
            in_nav=True,
        ),
    ]
