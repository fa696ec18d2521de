"""The MkDocs adapter: runs the catalogue pipeline and adds its pages to the build."""

from __future__ import annotations

import logging
from html import escape
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from .bibliography import UNCITED, bibliography_markdown, references_markdown, relative_link
from .catalogue import Catalogue, Settings, load_catalogue
from .citations import BIBLIOGRAPHY_PAGE, CitationExtension, CitationState
from .cite import cite_case, cite_markdown
from .config import CasebookConfig
from .model import Case
from .pages import case_markdown

log = logging.getLogger("mkdocs.plugins.casebook")

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"
ASSETS = PACKAGE / "assets"
#: Stylesheets and scripts the plugin ships, served under assets/casebook/.
EXTRA_CSS = ["casebook.css"]
EXTRA_JS: list[str] = []


class CasebookPlugin(BasePlugin[CasebookConfig]):
    def __init__(self) -> None:
        self._docs_prefix: str | None = None
        self.serving = False
        self.catalogue: Catalogue | None = None
        self.case_pages: dict[str, Case] = {}
        self.citation_state = CitationState()
        #: Hand-written pages (src_uri) and the keys they cite, for their References list.
        self.page_citations: dict[str, list[str]] = {}
        self.case_citations: dict[str, Any] = {}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.catalogue = None
        self.case_pages = {}
        self.page_citations = {}
        self.case_citations = {}
        self.root = Path(config.config_file_path or ".").resolve().parent
        # One citation extension per build; its state gets the labels once the bibliography is read.
        self.citation_state = CitationState()
        config.markdown_extensions = [
            ext for ext in config.markdown_extensions if not isinstance(ext, CitationExtension)
        ]
        config.markdown_extensions.append(CitationExtension(self.citation_state))
        # Our template overrides come after a site's custom_dir and before the theme's own.
        if str(TEMPLATES) not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(TEMPLATES))
        for name in EXTRA_CSS:
            if f"assets/casebook/{name}" not in config.extra_css:
                config.extra_css.append(f"assets/casebook/{name}")
        for name in EXTRA_JS:
            if f"assets/casebook/{name}" not in [str(s) for s in config.extra_javascript]:
                config.extra_javascript.append(f"assets/casebook/{name}")
        return config

    def _settings(self) -> Settings:
        return Settings(
            root=self.root,
            cases_dir=self.config.cases_dir,
            taxonomy_dir=self.config.taxonomy_dir,
            bibliography=self.config.bibliography,
            briefs_dir=self.config.briefs_dir,
            docs_dir=self._docs_prefix or "docs",
        )

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        docs_prefix = Path(config.docs_dir).resolve().relative_to(self.root).as_posix() \
            if Path(config.docs_dir).resolve().is_relative_to(self.root) else None
        self._docs_prefix = docs_prefix
        catalogue = load_catalogue(self._settings())
        self.catalogue = catalogue
        for problem in catalogue.problems:
            if problem.code == UNCITED:
                # Every entry is on /bibliography/ anyway; `casebook validate` reports these as warnings.
                log.info(problem.format_text())
            else:
                (log.error if problem.is_error else log.warning)(problem.format_text())
        bib = catalogue.bibliography
        if bib is not None:
            self.citation_state.labels = bib.labels()  # formats every entry, once per bibliography content
        for file in files:
            if docs_prefix and not file.generated_by:
                file.edit_uri = f"{docs_prefix}/{file.src_uri}"
        for name in EXTRA_CSS + EXTRA_JS:
            files.append(File.generated(config, f"assets/casebook/{name}", abs_src_path=str(ASSETS / name)))
        for case in catalogue.cases:
            if case.is_draft and not self.serving:
                continue
            src_uri = f"cases/{case.slug}.md"
            markdown = case_markdown(case, catalogue.taxonomy)
            if bib is not None:
                markdown += references_markdown([c.key for c in catalogue.citations.get(case.path, [])], bib)
            citation = self._case_citation(case, config, src_uri)
            self.case_citations[src_uri] = citation
            markdown += cite_markdown(citation)
            self._add(files, config, src_uri, markdown, edit_uri=case.path)
            self.case_pages[src_uri] = case
        if docs_prefix:
            for display, found in catalogue.citations.items():
                if display.startswith(docs_prefix + "/"):
                    self.page_citations[display[len(docs_prefix) + 1:]] = [c.key for c in found]
        if bib is not None:
            self._add(files, config, BIBLIOGRAPHY_PAGE, self._bibliography_page(files, config), edit_uri=None)
        return files

    def _case_citation(self, case: Case, config: MkDocsConfig, src_uri: str) -> Any:
        assert self.catalogue is not None
        url = None
        if config.site_url:
            url = config.site_url.rstrip("/") + "/" + relative_link("index.md", src_uri,
                                                                     directory_urls=config.use_directory_urls)
        bib = self.catalogue.bibliography
        references: list[str] = []
        if bib is not None:
            keys = {c.key for c in self.catalogue.citations.get(case.path, [])}
            formatted = bib.formatted()
            cited = sorted(keys & formatted.keys(), key=lambda k: formatted[k].sort_key)
            references = [formatted[k].label for k in cited]
        return cite_case(case, self.catalogue.taxonomy, url, config.site_name or "Casebook", references)

    def _bibliography_page(self, files: Files, config: MkDocsConfig) -> str:
        """``/bibliography/``, with "Cited by" links to the cases, briefs and pages that exist in this build."""
        assert self.catalogue is not None and self.catalogue.bibliography is not None
        settings = self._settings()
        cited_by: dict[str, list[tuple[int, str, str]]] = {}
        for display, found in self.catalogue.citations.items():
            if display.startswith(settings.cases_dir + "/"):
                order, src = 0, "cases/" + display[len(settings.cases_dir) + 1:]
            elif display.startswith(settings.briefs_dir + "/"):
                order, src = 1, "briefs/" + display[len(settings.briefs_dir) + 1:]
            elif display.startswith(settings.docs_dir + "/"):
                order, src = 2, display[len(settings.docs_dir) + 1:]
            else:
                continue
            if files.get_file_from_path(src) is None:
                continue  # a draft, or a page this build does not have
            href = relative_link(BIBLIOGRAPHY_PAGE, src, directory_urls=config.use_directory_urls)
            for key in {c.key for c in found}:
                cited_by.setdefault(key, []).append((order, self.catalogue.titles.get(display, display), href))
        ordered = {
            key: [(title, href) for _, title, href in sorted(rows, key=lambda r: (r[0], r[1].casefold(), r[2]))]
            for key, rows in cited_by.items()
        }
        return bibliography_markdown(self.catalogue.bibliography, ordered)

    def _add(self, files: Files, config: MkDocsConfig, src_uri: str, content: str, *, edit_uri: str | None) -> None:
        existing = files.get_file_from_path(src_uri)
        if existing is not None:
            raise PluginError(
                f"casebook: generated page '{src_uri}' clashes with '{existing.src_uri}' in docs/; "
                "remove or rename the hand-written page"
            )
        # Case pages stay out of the nav: a nav listing every case multiplies every page's size.
        file = File.generated(config, src_uri, content=content, inclusion=InclusionLevel.NOT_IN_NAV)
        file.edit_uri = edit_uri
        files.append(file)

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        self.citation_state.page = page.file.src_uri
        case = self.case_pages.get(page.file.src_uri)
        if case is not None:
            # Templates print page.meta.title unescaped; give them HTML-escaped text.
            page.meta = {"title": escape(case.title, quote=True)}
            # Read by templates/main.html (extrahead): citation_* meta tags and JSON-LD.
            page.casebook_citation = self.case_citations.get(page.file.src_uri)  # type: ignore[attr-defined]
            return markdown
        keys = self.page_citations.get(page.file.src_uri)
        bib = self.catalogue.bibliography if self.catalogue else None
        if keys and bib is not None and not page.file.generated_by:
            markdown += references_markdown(keys, bib)
        return markdown

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        settings = self._settings()
        for extra in (settings.cases_dir, settings.taxonomy_dir, settings.bibliography, settings.briefs_dir):
            path = settings.root / extra
            if path.exists():
                server.watch(str(path))
        return server
