"""The MkDocs adapter: runs the catalogue pipeline and adds its pages to the build."""

from __future__ import annotations

import json
import logging
import os
from functools import partial
from pathlib import Path
from typing import Any

from markdown.extensions.toc import slugify as toc_slugify
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from casebook.adapter.config import CasebookConfig
from casebook.adapter.engine import engine_fits
from casebook.adapter.navcache import NavKey, install_nav_cache
from casebook.adapter.pagefind import BackgroundIndex, run_pagefind
from casebook.adapter.workers import TEMPLATE_EVENTS, BuildWorkers, PageHooks, alone_on
from casebook.bibliography import UNCITED, references_markdown
from casebook.catalogue import Catalogue, Settings, load_catalogue
from casebook.citations.cite import CaseCitation
from casebook.citations.inline import BIBLIOGRAPHY_PAGE, CitationExtension, CitationState
from casebook.core.blockstash import BlockStash, anchor_ids
from casebook.core.escape import html_attr
from casebook.core.ids import guarded_slugify
from casebook.core.loader import path_problem
from casebook.core.markdownsetup import MarkdownSetup
from casebook.core.model import Case
from casebook.core.problems import Problem
from casebook.site.assembly import Assembly, SiteOptions, assemble
from casebook.site.community import Discussion, check_discussion, community_context
from casebook.site.csp import unsafe_theme_settings, with_policy
from casebook.site.extras import UNINDEXED
from casebook.site.page import SitePage
from casebook.site.sanitize import content_id, rename_toc_ids, sanitize_html, unsafe_settings
from casebook.site.searchmarkup import case_markup, page_markup

log = logging.getLogger("mkdocs.plugins.casebook")

PACKAGE = Path(__file__).resolve().parents[1]
TEMPLATES = PACKAGE / "templates"
ASSETS = PACKAGE / "assets"
#: Stylesheets and scripts the plugin ships, served under assets/casebook/.
EXTRA_CSS = ["casebook.css", "print.css"]
EXTRA_JS = ["sortable.js", "search.js"]
#: Scripts shipped but loaded only by the pages that use them.
PAGE_JS = ["explore.js"]


def is_contributed(page: SitePage, folders: tuple[str, ...]) -> bool:
    """Whether a generated page shows a contributor's file (a case or a brief): its HTML is then sanitized."""
    edit_path = page.edit_path or ""
    return any(edit_path.startswith(f"{folder.strip('/')}/") for folder in folders)


def contributed_texts(catalogue: Catalogue) -> list[str]:
    """Every case's and brief's front-matter and body, and the bibliography's digest, in a fixed order."""
    texts = [
        json.dumps([doc.path, doc.meta, doc.body], sort_keys=True, default=str, ensure_ascii=False)
        for doc in [*catalogue.cases, *catalogue.briefs]
    ]
    bib = catalogue.bibliography
    return sorted(texts) + ([bib.digest] if bib is not None else [])


def check_destination(file: File, config: MkDocsConfig) -> None:
    """Refuse a generated file whose output would land outside site_dir."""
    site_dir = Path(config.site_dir).resolve()
    dest = Path(file.abs_dest_path).resolve()
    if ".." in file.src_uri.split("/") or file.src_uri.startswith("/") or not dest.is_relative_to(site_dir):
        raise PluginError(f"casebook: generated file '{file.src_uri}' would be written outside site_dir")


def refuse_outside_files(files: Files, root: Path, docs_dir: Path) -> list[Problem]:
    """Take out of the build every file of docs/ that is a symbolic link, or under one, or outside ``root``.

    MkDocs follows links in docs_dir and would publish what they point to. One E006 per offending path (the
    linked folder, not each file under it); ``docs_dir`` itself outside the project refuses every file.
    """
    folder = path_problem(root, docs_dir)
    problems: dict[str, Problem] = {}
    for file in list(files):
        if file.generated_by or not file.abs_src_path or not file.src_dir \
                or Path(file.src_dir).absolute() != docs_dir.absolute():
            continue  # generated, or the theme's
        problem = folder or path_problem(root, Path(file.abs_src_path))
        if problem is not None:
            files.remove(file)
            problems.setdefault(problem.path, problem)
    return list(problems.values())


class CasebookPlugin(BasePlugin[CasebookConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.serving = False
        self.dirty = False
        self.markdown = MarkdownSetup()
        #: Worker processes rendering pages beside MkDocs (see workers.py), and the hooks they run.
        hooks = PageHooks(self.on_page_markdown, self.on_page_content, self.on_page_context, partial(alone_on, self))
        self.workers = BuildWorkers(hooks, None, serving=False, dirty=False)
        #: The nav's markup reused across pages outside the nav (navcache.py), if this build caches it.
        self.nav_key: NavKey | None = None
        #: Under ``mkdocs serve``: the search index being built after the pages, while they are served.
        self.background: BackgroundIndex | None = None
        self.catalogue: Catalogue | None = None
        self.titles: dict[str, str] = {}
        #: This build's generated pages and files (``site/assembly.py``).
        self.assembly: Assembly | None = None
        self.search_cases: dict[str, Case] = {}
        self.search_briefs: dict[str, bool] = {}  # src_uri -> is a draft
        #: Pages whose content comes from contributors' case files: sanitized in on_page_content.
        self.contributed: set[str] = set()
        self.docs_prefix: str | None = None
        self.citation_state = CitationState()
        #: Case pages' "cite this case" data, read by templates/main.html through page.casebook_citation.
        self.case_citations: dict[str, CaseCitation] = {}
        #: Hand-written pages (src_uri) and the keys they cite, for their References list.
        self.page_citations: dict[str, list[str]] = {}
        #: Generated HTML blocks, kept out of the Markdown parser and put back in on_page_content.
        self.blocks = BlockStash()
        #: The anchors of /bibliography/'s list of entries (a generated block), one per entry.
        self.bibliography_anchors: set[str] = set()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        self.dirty = dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.catalogue = None
        self.titles = {}
        self.contributed = set()
        self.assembly = None
        self.search_cases = {}
        self.search_briefs = {}
        self.case_citations = {}
        self.page_citations = {}
        self.blocks = BlockStash()
        self.bibliography_anchors = set()
        self.workers.close()
        self.workers = BuildWorkers(self.workers.hooks, self.config.workers, serving=self.serving, dirty=self.dirty,
                                    engine_fits=engine_fits())
        self.root = Path(config.config_file_path or ".").resolve().parent
        extensions = [e for e in config.markdown_extensions if isinstance(e, str)]
        unsafe = unsafe_settings(extensions, list(config.plugins))
        if unsafe:
            raise PluginError(
                f"casebook: {', '.join(unsafe)} would let case files read other files or run templates; "
                "remove it from mkdocs.yml"
            )
        self._check_site_dir(config)
        unsafe_theme = unsafe_theme_settings(
            [str(f) for f in config.theme.get("features", []) or []],
            dict(config.extra or {}),
            list(config.mdx_configs.get("pymdownx.superfences", {}).get("custom_fences", []) or []),
            [str(s) for s in config.extra_javascript],
        )
        if unsafe_theme:
            raise PluginError(
                "casebook: mkdocs.yml turns on what would let page text run as script or load outside code: "
                + "; ".join(unsafe_theme) + ". Remove it (see CONTRIBUTING.md, Security)."
            )
        for name in ("toc", "markdown.extensions.toc"):
            if name in config.markdown_extensions:
                # No heading id may be one the theme or the plugin uses (ids.py): "## __config" would otherwise
                # replace the theme's configuration.
                toc = config.mdx_configs.setdefault(name, {})
                toc["slugify"] = guarded_slugify(toc.get("slugify", toc_slugify))
        if "tables" in config.markdown_extensions:
            # Alignment as align="..." rather than style="...": the sanitizer removes every style attribute.
            config.mdx_configs.setdefault("tables", {}).setdefault("use_align_attribute", True)
        # One citation extension per build; it gets the author-year labels once the bibliography is read.
        self.citation_state = CitationState()
        config.markdown_extensions = [
            ext for ext in config.markdown_extensions if not isinstance(ext, CitationExtension)
        ]
        config.markdown_extensions.append(CitationExtension(self.citation_state))
        #: The extensions MkDocs renders with (our citation extension aside): the validator parses the same way.
        self.markdown = MarkdownSetup(
            tuple(e for e in config.markdown_extensions if isinstance(e, str)),
            {name: dict(options) for name, options in config.mdx_configs.items()},
        )
        self.discussion = Discussion.from_options(self.config.discussion)
        for message in check_discussion(self.discussion):
            raise PluginError(f"casebook: {message}")
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

    def _check_site_dir(self, config: MkDocsConfig) -> None:
        # A build empties site_dir first: it must not hold the content it is built from.
        site_dir = Path(config.site_dir).resolve()
        settings = self._settings()
        for name in (settings.cases_dir, settings.taxonomy_dir, settings.bibliography, settings.briefs_dir):
            source = (self.root / name).resolve()
            if source == site_dir or source.is_relative_to(site_dir) or site_dir.is_relative_to(source):
                raise PluginError(f"casebook: site_dir '{config.site_dir}' overlaps '{name}'; build elsewhere")

    def _settings(self) -> Settings:
        return Settings(
            root=self.root,
            cases_dir=self.config.cases_dir,
            taxonomy_dir=self.config.taxonomy_dir,
            bibliography=self.config.bibliography,
            briefs_dir=self.config.briefs_dir,
            docs_dir=self.docs_prefix or "docs",
            markdown=self.markdown,
        )

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        docs_prefix = Path(config.docs_dir).resolve().relative_to(self.root).as_posix() \
            if Path(config.docs_dir).resolve().is_relative_to(self.root) else None
        self.docs_prefix = docs_prefix
        catalogue = load_catalogue(self._settings())
        self.catalogue = catalogue
        reported = {p.path for p in catalogue.problems}
        config_dir = Path(config.config_file_path or "mkdocs.yml").absolute().parent
        for problem in refuse_outside_files(files, config_dir, Path(config.docs_dir)):
            if problem.path not in reported:  # the catalogue names links in docs/ already
                log.error(problem.format_text())
        uncited = 0
        for problem in catalogue.problems:
            if problem.code == UNCITED and self.config.uncited == "info":
                uncited += 1  # every entry is still listed on /bibliography/
            else:
                (log.error if problem.is_error else log.warning)(problem.format_text())
        if uncited:
            log.info(
                f"{uncited} bibliography entries are not cited by any case, brief or page; "
                "list them with 'casebook validate --uncited'"
            )
        bib = catalogue.bibliography
        self.workers.size(len(catalogue.cases) + len(files.documentation_pages()))
        formatting = self.workers.format_beside(bib)
        for file in files:
            if docs_prefix and not file.generated_by:
                file.edit_uri = f"{docs_prefix}/{file.src_uri}"
        for name in EXTRA_CSS + EXTRA_JS + PAGE_JS:
            files.append(File.generated(config, f"assets/casebook/{name}", abs_src_path=str(ASSETS / name)))
        # Placeholders keyed on everything contributors write (case and brief files, the bibliography), so that
        # no contributed text can hold one.
        self.blocks = BlockStash(contributed_texts(catalogue))

        def references_needed() -> None:
            if bib is not None:
                self.workers.take_formatted(bib, formatting)
                self.citation_state.labels = bib.labels()

        def bibliography_block(html: str) -> str:
            # The list of entries skips the Markdown parser; MkDocs still learns its anchors (links to #key).
            self.bibliography_anchors = anchor_ids(html)
            return self.blocks(html)

        epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
        options = SiteOptions(
            site_name=config.site_name, site_url=config.site_url or "", directory_urls=config.use_directory_urls,
            include_drafts=self.serving,  # drafts are pages only under `mkdocs serve`; a build never sees them
            source_date_epoch=int(epoch) if epoch.isdigit() else None,
        )
        assembly = assemble(
            catalogue, options, lambda src: files.get_file_from_path(src) is not None, block=self.blocks,
            bibliography_block=bibliography_block, references_needed=references_needed,
        )
        self.assembly = assembly
        self.case_citations = assembly.citations
        for page in assembly.pages:
            self._add(files, config, page)
        if docs_prefix:
            for display, found in catalogue.citations.items():
                if display.startswith(docs_prefix + "/"):
                    self.page_citations[display[len(docs_prefix) + 1:]] = [c.key for c in found]
        self._add_reader_files(files, config, catalogue, assembly.files)
        return files

    def _add_reader_files(self, files: Files, config: MkDocsConfig, catalogue: Catalogue,
                          generated: dict[str, str]) -> None:
        self.search_cases = {f"cases/{c.slug}.md": c for c in catalogue.cases}
        self.search_briefs = {f"briefs/{b.slug}.md": b.is_draft for b in catalogue.briefs}
        for src_uri, content in generated.items():
            existing = files.get_file_from_path(src_uri)
            if existing is not None:
                raise PluginError(
                    f"casebook: generated file '{src_uri}' clashes with '{existing.src_uri}' in docs/; "
                    "remove or rename the hand-written one"
                )
            files.append(File.generated(config, src_uri, content=content, inclusion=InclusionLevel.NOT_IN_NAV))

    def _add(self, files: Files, config: MkDocsConfig, page: SitePage) -> None:
        existing = files.get_file_from_path(page.src_uri)
        if existing is not None:
            raise PluginError(
                f"casebook: generated page '{page.src_uri}' clashes with '{existing.src_uri}' in docs/; "
                "remove or rename the hand-written page"
            )
        # Case and per-term pages stay out of the nav: a nav listing every case multiplies every page's size.
        inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
        file = File.generated(config, page.src_uri, content=page.markdown, inclusion=inclusion)
        file.edit_uri = page.edit_path
        check_destination(file, config)
        if is_contributed(page, (self.config.cases_dir, self.config.briefs_dir)):
            self.contributed.add(page.src_uri)
        files.append(file)
        self.titles[page.src_uri] = page.title

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.workers.start_rendering(nav, config, files)
        return nav

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        # Before the workers fork, so that each has the cache (and fills its own copy).
        self.nav_key = install_nav_cache(
            env, config, str(TEMPLATES), cache=self.workers.may_take_over(config, TEMPLATE_EVENTS))
        self.workers.start_templates(env, config, files)
        return env

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Each page's Content-Security-Policy (not under ``mkdocs serve``: its live-reload script is inline)."""
        self.workers.written(page)
        if self.serving:
            return output
        return with_policy(output, discussion_origin=self._discussion_origin(output))

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        """The 404 page gets the same policy as the others."""
        if self.serving or not template_name.endswith(".html"):
            return output_content
        return with_policy(output_content)

    def _discussion_origin(self, output: str) -> str | None:
        # Only pages that embed the widget (templates/partials/comments.html) let its origin in. Content
        # cannot write a <script> tag: the sanitizer removes it, and its text is escaped.
        origin = self.discussion.script_origin
        return origin if origin and f'<script src="{origin}/' in output else None

    def on_build_error(self, *, error: Exception) -> None:
        self.workers.close()

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        citation = self.case_citations.get(page.file.src_uri)
        if citation is not None:
            # Read by templates/main.html (extrahead): citation_* meta tags and JSON-LD.
            page.casebook_citation = citation  # type: ignore[attr-defined]
        if self.workers.taken(page):
            return ""  # a worker has rendered the page: MkDocs converts an empty text, on_page_content puts it back
        self.citation_state.page = page.file.src_uri  # citation links are relative to the page
        bibliography = files.get_file_from_path(BIBLIOGRAPHY_PAGE)
        self.citation_state.bibliography_url = \
            bibliography.url_relative_to(page.file) if bibliography is not None else None
        keys = self.page_citations.get(page.file.src_uri)
        bib = self.catalogue.bibliography if self.catalogue else None
        if keys and bib is not None and not page.file.generated_by:
            markdown += references_markdown(keys, bib)
        title = self.titles.get(page.file.src_uri)
        if title is not None:
            # Templates print page.meta.title unescaped; give them HTML-escaped text.
            page.meta = {"title": html_attr(title)}
        # Search markup comes from validated data only: any cb_search a page brings is replaced.
        searched = self.search_cases.get(page.file.src_uri)
        if searched is not None and self.catalogue is not None and not searched.is_draft:
            page.meta["cb_search"] = case_markup(searched, self.catalogue.taxonomy)
        elif searched is not None or self.search_briefs.get(page.file.src_uri) or page.file.src_uri in UNINDEXED:
            # Drafts (shown only under `mkdocs serve`) and listings are never indexed.
            page.meta.pop("cb_search", None)
        elif page.file.src_uri in self.search_briefs:
            page.meta["cb_search"] = page_markup("brief")
        else:
            page.meta["cb_search"] = page_markup("page")
        if self.assembly is not None:
            markdown = self.assembly.finish(page.file.src_uri, markdown)
        return markdown

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self._stop_background()  # MkDocs is about to empty the folder it indexes

    def on_shutdown(self) -> None:
        self._stop_background()

    def _stop_background(self) -> None:
        if self.background is not None:
            self.background.stop()
        self.background = None

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.workers.close()
        if self.nav_key is not None:
            log.debug(f"casebook: nav and tabs rendered {self.nav_key.rendered} time(s) for "
                      f"{self.nav_key.asked} page(s) in this process")
        if not self.config.search_index:
            return
        if self.serving and not self.dirty:
            # The pages are served now; search follows when Pagefind is done.
            self.background = BackgroundIndex(Path(config.site_dir), lambda problem: log.error(problem.format_text()))
            log.info("casebook: building the search index in the background; search works when it is done")
            return
        for problem in run_pagefind(Path(config.site_dir)):
            log.error(problem.format_text())

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        done = self.workers.put_back(page, files)
        if done is not None:
            return done
        if page.file.src_uri in self.contributed:
            # The contributor's part only: the generated blocks (placeholders until restored) carry the
            # classes, ids and data attributes of the site's own markup, which content may never set.
            html = sanitize_html(html)
            rename_toc_ids(page.toc)
            if page.present_anchor_ids is not None:
                page.present_anchor_ids = {content_id(anchor) for anchor in page.present_anchor_ids}
        html = self.blocks.restore(html)
        if page.file.src_uri == BIBLIOGRAPHY_PAGE and self.bibliography_anchors:
            page.present_anchor_ids = (page.present_anchor_ids or set()) | self.bibliography_anchors
        return html

    def on_page_context(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        src_uri = page.file.src_uri
        prerendered = self.workers.prerendered_context(
            context, page, lambda own: self.on_page_context(own, page=page, config=config, nav=nav))
        if prerendered is not None:
            return prerendered
        # "Suggest an edit" and the discussion place, rendered by templates/partials/comments.html.
        context["casebook_community"] = community_context(
            src_uri, title=self.titles.get(src_uri, str(page.title or "")), edit_url=page.edit_url,
            page_url=page.canonical_url or page.abs_url or "", source_path=page.file.edit_uri or src_uri,
            discussion=self.discussion,
        )
        return context

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        settings = self._settings()
        for extra in (settings.cases_dir, settings.taxonomy_dir, settings.bibliography, settings.briefs_dir):
            path = settings.root / extra
            if path.exists():
                server.watch(str(path))
        return server
