"""Pieces of generated pages that need the whole build: a case's references and "cite this", the bibliography page.

Pure functions shared by the MkDocs plugin and ``casebook export`` (the plain-Markdown copy of the site), so
both produce the same Markdown.
"""

from __future__ import annotations

from collections.abc import Callable

from casebook.bibliography import bibliography_markdown, references_markdown
from casebook.catalogue import Catalogue, Settings
from casebook.citations.cite import CaseCitation, cite_case, cite_markdown
from casebook.citations.inline import BIBLIOGRAPHY_PAGE
from casebook.core.blockstash import identity
from casebook.core.links import relative_link
from casebook.core.model import Case


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
            cited_by.setdefault(key, []).append((order, catalogue.titles.get(display, display), href))
    ordered = {
        key: [(title, href) for _, title, href in sorted(rows, key=lambda r: (r[0], r[1].casefold(), r[2]))]
        for key, rows in cited_by.items()
    }
    return bibliography_markdown(catalogue.bibliography, ordered, block=block)
