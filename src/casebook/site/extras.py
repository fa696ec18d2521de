"""What the site adds for readers beyond the case pages: explorer, data downloads, feed, map, search markup.

Pure functions over a loaded catalogue; the plugin turns their output into generated files.
"""

from __future__ import annotations

from collections.abc import Callable

from casebook.catalogue import Catalogue
from casebook.core.validate import published_schema
from casebook.site.datafiles import RIGHTS, codebook_page, data_files, data_page
from casebook.site.explore import DATA_URI, explorer_json, explorer_page
from casebook.site.feed import FeedItem, atom_feed, brief_item, case_item
from casebook.site.urls import country_src, page_url, relative_url
from casebook.site.worldmap import MAP_MARKER, case_counts, map_block

#: Pages that are not indexed for full-text search (listings and tools, not content). The API's page repeats the
#: codebook's field descriptions; ``/data/``, which is indexed, names and links it.
UNINDEXED = ("explore/index.md", "compare/index.md", "data/codebook.md", "data/api.md", "404.md")


def generated_files(
    catalogue: Catalogue,
    *,
    site_name: str,
    site_url: str,
    source_date_epoch: int | None,
    extra_feed_items: list[FeedItem] | None = None,
    include_drafts: bool = False,
) -> dict[str, str]:
    """src_uri -> content of every page and data file for readers (Markdown pages end in ``.md``).

    ``include_drafts`` (a preview) puts drafts in the explorer, as on the other pages of the preview; the data
    downloads and the feed are the published record and never hold a draft.
    """
    cases = catalogue.published
    files = {
        "explore/index.md": explorer_page(),
        DATA_URI: explorer_json(catalogue.cases, catalogue.taxonomy, include_drafts=include_drafts),
        "data/index.md": "",
        "data/codebook.md": codebook_page(published_schema(catalogue.taxonomy), catalogue.taxonomy),
    }
    data = data_files(cases, catalogue.taxonomy, catalogue.bibliography, site_url=site_url)
    files["data/index.md"] = data_page(len(cases), data)
    for name, content in data.items():
        files[f"data/{name}"] = content
    items = [case_item(c) for c in cases] + [brief_item(b) for b in catalogue.published_briefs]
    items += list(extra_feed_items or [])
    files["feed.xml"] = atom_feed(items, site_url=site_url or "/", title=site_name, source_date_epoch=source_date_epoch,
                                 rights=RIGHTS)
    return files


def world_map(catalogue: Catalogue, href: Callable[[str], str], *, include_drafts: bool = False) -> str:
    """The map block (SVG, attribution, table) for the published cases, and in a preview for the drafts too."""
    cases = catalogue.cases if include_drafts else catalogue.published
    drafts = case_counts([c.countries for c in cases if c.is_draft])
    return map_block(case_counts([c.countries for c in cases]), href, drafts=drafts)


def with_map(
    markdown: str, catalogue: Catalogue, page_uri: str, *, directory_urls: bool = True, include_drafts: bool = False
) -> str:
    """Replace :data:`MAP_MARKER` with the map; country links are made relative to ``page_uri``'s URL."""
    if MAP_MARKER not in markdown:
        return markdown
    here = page_url(page_uri, directory_urls=directory_urls)

    def href(code: str) -> str:
        return relative_url(here, page_url(country_src(code), directory_urls=directory_urls))

    return markdown.replace(MAP_MARKER, world_map(catalogue, href, include_drafts=include_drafts), 1)
