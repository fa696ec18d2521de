"""The one assembly of the site's generated pages, shared by the MkDocs plugin and ``casebook export``.

:func:`assemble` takes the validated catalogue and returns every page and file the site generates, in the
order they are added: the case, listing, country, mechanism, policy-area and matrix pages (``builder.py``),
the brief pages and the list of briefs (``briefpages.py``), each case's references and "cite this case",
``/bibliography/``, the default home page, the pages the nav needs when nothing else provides them, under
``mkdocs serve`` the problems of each broken case or brief at its URL (``problempages.py``), the readers' files
(explorer, data files, feed; ``extras.py``), the static API under ``/api/v1/`` with the page that documents
it (``api.py``, ``apipage.py``), and the comparison view (``compare.py``) with the data of the explorer's "Cite
this selection" (``selection.py``). :meth:`Assembly.finish` puts what a page's
Markdown only marks (the home page's sections, a hand-written list of briefs, the map) into that Markdown.

The plugin wraps each page as an MkDocs file; the export writes each one to disk. A new page type is
added here once and both have it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from casebook.bibliography import bibliography_markdown, references_markdown
from casebook.catalogue import Catalogue, Settings
from casebook.citations.cite import CaseCitation, cite_case, cite_markdown
from casebook.citations.inline import BIBLIOGRAPHY_PAGE
from casebook.core.blockstash import identity
from casebook.core.links import relative_link
from casebook.core.model import Brief, Case
from casebook.site.api import api_files
from casebook.site.apipage import API_PAGE, api_page
from casebook.site.briefpages import brief_site_pages, briefs_list_markdown, fill_briefs_index, published_or_all
from casebook.site.builder import SiteBuilder
from casebook.site.compare import COMPARE_PAGE, compare_files, compare_page
from casebook.site.extras import generated_files, with_map
from casebook.site.page import BRIEFS_INDEX, SitePage, default_home, fallback_pages, fill_home
from casebook.site.problempages import problem_pages, with_problems
from casebook.site.selection import CITE_URI, selection_json
from casebook.site.urls import HOME, case_src


@dataclass(frozen=True)
class SiteOptions:
    """What the engine's configuration decides about the generated pages."""

    site_name: str
    site_url: str = ""
    directory_urls: bool = True
    #: Drafts are pages only in a preview (``mkdocs serve``), never in a build or an export.
    include_drafts: bool = False
    source_date_epoch: int | None = None
    #: Give generated headings made from contributed titles explicit ids (for engines without the plugin).
    heading_ids: bool = False
    #: A page listing the problems at the URL of each case or brief with errors (``problempages.py``): only
    #: ever under ``mkdocs serve``, so that the maintainer sees them where the page would be.
    problem_pages: bool = False


@dataclass
class Assembly:
    """Every generated page and file of one build."""

    catalogue: Catalogue
    options: SiteOptions
    #: Markdown pages, in the order they were added.
    pages: list[SitePage] = field(default_factory=list)
    #: The readers' files by source path: pages (``.md``) and data files.
    files: dict[str, str] = field(default_factory=dict)
    #: "Cite this case" data of each case page, by source path.
    citations: dict[str, CaseCitation] = field(default_factory=dict)
    #: The generated part of the home page, for :meth:`finish`.
    home: str = ""
    #: The list of briefs, when the site has a hand-written ``briefs/index.md`` to put it into.
    briefs_list: str = ""

    def finish(self, src_uri: str, markdown: str) -> str:
        """A page's Markdown with what it only marks filled in: the home sections, the list of briefs, the map."""
        if src_uri == HOME:
            markdown = fill_home(markdown, self.home)
        if src_uri == BRIEFS_INDEX and self.briefs_list:
            markdown = fill_briefs_index(markdown, self.briefs_list)
        return with_map(markdown, self.catalogue, src_uri, directory_urls=self.options.directory_urls,
                        include_drafts=self.options.include_drafts)


def assemble(
    catalogue: Catalogue,
    options: SiteOptions,
    exists: Callable[[str], bool],
    *,
    block: Callable[[str], str] = identity,
    bibliography_block: Callable[[str], str] | None = None,
    references_needed: Callable[[], None] = lambda: None,
    bodies: Callable[[Case | Brief, str], tuple[str, str]] | None = None,
) -> Assembly:
    """Every page and file the site generates; ``exists(src_uri)`` says whether ``docs/`` has that page.

    ``block`` turns generated HTML into what the Markdown holds (``blockstash.py``); ``bibliography_block``
    does so for ``/bibliography/``'s list of entries (default ``block``). ``references_needed`` is called once,
    before the first reference is formatted (the plugin formats them in a worker meanwhile). ``bodies``
    replaces each case's and brief's body with other Markdown and appends a trailer to its page (the export
    writes bodies as sanitized HTML, with their footnotes at the end); by default bodies are as written.
    """
    trailers: dict[str, str] = {}
    if bodies is not None:
        catalogue = _with_bodies(catalogue, options, bodies, trailers)
    done = Assembly(catalogue, options)
    site = SiteBuilder(catalogue, include_drafts=options.include_drafts, directory_urls=options.directory_urls)
    site.block = block
    site_pages = site.pages()  # needs no formatted reference
    references_needed()
    own_index = exists(BRIEFS_INDEX)
    briefs = brief_site_pages(catalogue, include_drafts=options.include_drafts, index=not own_index, block=block,
                              heading_ids=options.heading_ids)
    if own_index:
        done.briefs_list = briefs_list_markdown(published_or_all(catalogue, include_drafts=options.include_drafts),
                                                heading_ids=options.heading_ids)
    cases = {case_src(c.slug): c for c in catalogue.cases}
    for page in site_pages + briefs:
        case = cases.get(page.src_uri)
        if case is not None:
            sections, citation = case_sections(
                catalogue, case, page.src_uri, site_url=options.site_url, site_name=options.site_name,
                directory_urls=options.directory_urls, block=block,
            )
            done.citations[page.src_uri] = citation
            page = dataclasses.replace(page, markdown=page.markdown + sections)
        trailer = trailers.get(page.src_uri)
        if trailer:
            page = dataclasses.replace(page, markdown=page.markdown.rstrip("\n") + "\n\n" + trailer)
        done.pages.append(page)
    generated = {page.src_uri for page in done.pages}

    def present(src_uri: str) -> bool:
        return src_uri in generated or exists(src_uri)

    if catalogue.bibliography is not None:
        markdown = bibliography_page(catalogue, catalogue.settings, present, directory_urls=options.directory_urls,
                                     block=bibliography_block or block)
        done.pages.append(SitePage(BIBLIOGRAPHY_PAGE, "Bibliography", markdown, in_nav=True))
    done.home = site.home_sections()
    if not exists(HOME):
        done.pages.append(SitePage(HOME, options.site_name, default_home(options.site_name), in_nav=True))
    # Pages the nav lists that other parts of the site normally provide: a real briefs index or
    # bibliography page, added above or hand-written, always wins.
    for page in fallback_pages():
        if not present(page.src_uri) and page.src_uri not in {p.src_uri for p in done.pages}:
            done.pages.append(page)
    if options.problem_pages:
        done.pages = with_problems(done.pages, catalogue, block=block)
        done.pages += problem_pages(catalogue, present, block=block)
    done.files = generated_files(
        catalogue, site_name=options.site_name, site_url=options.site_url,
        source_date_epoch=options.source_date_epoch, include_drafts=options.include_drafts,
    )
    done.files[API_PAGE] = api_page(catalogue.published, site_url=options.site_url,
                                    bibliography="data/bibliography.bib" in done.files)
    done.files.update(api_files(catalogue, directory_urls=options.directory_urls, site_url=options.site_url))
    # The comparison view and "Cite this selection" (the explorer's downloads, from each case's "Cite this case").
    done.pages.append(SitePage(COMPARE_PAGE, "Compare cases", compare_page(
        catalogue.published, directory_urls=options.directory_urls, block=block), in_nav=True))
    done.files.update(compare_files(catalogue, directory_urls=options.directory_urls,
                                    include_drafts=options.include_drafts))
    done.files[CITE_URI] = selection_json(catalogue.cases, catalogue.taxonomy, done.citations,
                                          include_drafts=options.include_drafts)
    return done


def _with_bodies(
    catalogue: Catalogue, options: SiteOptions, bodies: Callable[[Case | Brief, str], tuple[str, str]],
    trailers: dict[str, str],
) -> Catalogue:
    def replaced(item: Case | Brief, src_uri: str) -> Case | Brief:
        if item.is_draft and not options.include_drafts:
            return item
        body, trailers[src_uri] = bodies(item, src_uri)
        return dataclasses.replace(item, body=body)

    return dataclasses.replace(
        catalogue,
        cases=[replaced(c, case_src(c.slug)) for c in catalogue.cases],  # type: ignore[misc]
        briefs=[replaced(b, f"briefs/{b.slug}.md") for b in catalogue.briefs],  # type: ignore[misc]
    )


def case_sections(
    catalogue: Catalogue, case: Case, src_uri: str, *, site_url: str, site_name: str, directory_urls: bool = True,
    block: Callable[[str], str] = identity,
) -> tuple[str, CaseCitation]:
    """The "References" and "Cite this case" Markdown appended to a case page, and the citation data."""
    bib = catalogue.bibliography
    keys = [c.key for c in catalogue.citations.get(case.path, [])]
    url = None
    if site_url:
        path = relative_link("index.md", src_uri, directory_urls=directory_urls)
        url = site_url.rstrip("/") + "/" + path
    labels: list[str] = []
    if bib is not None:
        formatted = bib.formatted()
        cited = sorted(set(keys) & formatted.keys(), key=lambda k: formatted[k].sort_key)
        labels = [formatted[k].label for k in cited]
    citation = cite_case(case, catalogue.taxonomy, url, site_name or "Casebook", labels)
    references = references_markdown(keys, bib, block=block) if bib is not None else ""
    return references + cite_markdown(citation, block=block), citation


def bibliography_page(
    catalogue: Catalogue, settings: Settings, exists: Callable[[str], bool], *, directory_urls: bool = True,
    block: Callable[[str], str] = identity,
) -> str:
    """``/bibliography/``, with "Cited by" links to the cases, briefs and pages for which ``exists(src_uri)``."""
    assert catalogue.bibliography is not None
    cited_by: dict[str, list[tuple[int, str, str]]] = {}
    # Drafts exist only in a preview; there they are marked as on every other page.
    drafts = {r.path for r in [*catalogue.cases, *catalogue.briefs] if r.is_draft}
    for display, found in catalogue.citations.items():
        if display.startswith(settings.cases_dir + "/"):
            order, src = 0, "cases/" + display[len(settings.cases_dir) + 1:]
        elif display.startswith(settings.briefs_dir + "/"):
            order, src = 1, "briefs/" + display[len(settings.briefs_dir) + 1:]
        elif display.startswith(settings.docs_dir + "/"):
            order, src = 2, display[len(settings.docs_dir) + 1:]
        else:
            continue
        if not exists(src):
            continue  # a draft, or a page this build does not have
        href = relative_link(BIBLIOGRAPHY_PAGE, src, directory_urls=directory_urls)
        for key in {c.key for c in found}:
            title = catalogue.titles.get(display, display) + (" (draft)" if display in drafts else "")
            cited_by.setdefault(key, []).append((order, title, href))
    ordered = {
        key: [(title, href) for _, title, href in sorted(rows, key=lambda r: (r[0], r[1].casefold(), r[2]))]
        for key, rows in cited_by.items()
    }
    return bibliography_markdown(catalogue.bibliography, ordered, block=block)
