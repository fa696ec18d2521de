"""What one build knows: the per-build state of the plugin, made fresh in ``on_config`` as one object.

The plugin itself keeps only what outlives a build under ``mkdocs serve`` (whether it serves, the worker
processes, the search index running in the background); everything read, generated or decided for one
build lives here, so that a rebuild can never see a previous build's pages, titles or citations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from casebook.adapter.navcache import NavKey
from casebook.catalogue import Catalogue, Settings
from casebook.citations.inline import CitationState
from casebook.core.blockstash import BlockStash
from casebook.core.markdownsetup import MarkdownSetup
from casebook.core.model import Case
from casebook.site.assembly import Assembly
from casebook.site.community import Discussion


@dataclass
class BuildState:
    """One build's state."""

    #: The project folder (where ``mkdocs.yml`` is) and the plugin's content settings.
    settings: Settings
    #: The extensions MkDocs renders with (the citation extension aside): the validator parses the same way.
    markdown: MarkdownSetup
    discussion: Discussion
    #: The build's one citation extension's state: the page being converted, the labels, the bibliography's URL.
    citations: CitationState = field(default_factory=CitationState)
    catalogue: Catalogue | None = None
    #: The generated pages and files (``site/assembly.py``).
    assembly: Assembly | None = None
    #: Generated HTML blocks, kept out of the Markdown parser and put back in ``on_page_content``.
    blocks: BlockStash = field(default_factory=BlockStash)
    #: Each generated page's title (plain text), by source path.
    titles: dict[str, str] = field(default_factory=dict)
    #: Pages that show a contributor's file (a case or a brief): sanitized in ``on_page_content``.
    contributed: set[str] = field(default_factory=set)
    #: Case pages by source path, and brief pages (whether a draft): their search markup.
    search_cases: dict[str, Case] = field(default_factory=dict)
    search_briefs: dict[str, bool] = field(default_factory=dict)
    #: Hand-written pages (source path) and the keys they cite, for their References list.
    page_citations: dict[str, list[str]] = field(default_factory=dict)
    #: The anchors of ``/bibliography/``'s list of entries (a generated block), one per entry.
    bibliography_anchors: set[str] = field(default_factory=set)
    #: The nav's markup reused across pages outside the nav (``navcache.py``), if this build caches it.
    nav_key: NavKey | None = None
    #: ``docs_dir`` relative to the project, if it is inside it (edit links and citations of hand-written pages).
    docs_prefix: str | None = None

    @property
    def root(self) -> Path:
        return self.settings.root
