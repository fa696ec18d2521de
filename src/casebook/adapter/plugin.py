"""The MkDocs plugin: runs the catalogue pipeline and hands its pages to MkDocs.

Hooks appear in the order MkDocs calls them. Per-build state is one :class:`BuildState` made in
``on_config`` (``configure.py``); the plugin itself keeps only what outlives a build under ``mkdocs serve``.
Everything it publishes is made by the engine's other packages (``catalogue.py`` loads and validates,
``site/assembly.py`` assembles the pages); here pages become MkDocs files (``files.py``), contributor HTML is
sanitized, and each page gets its search markup, citations and Content-Security-Policy.
"""

from __future__ import annotations

import logging
import os
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from casebook.adapter.config import CasebookConfig
from casebook.adapter.configure import ASSETS, EXTRA_CSS, EXTRA_JS, PAGE_JS, TEMPLATES, configure
from casebook.adapter.engine import engine_fits
from casebook.adapter.files import (
    add_file,
    add_page,
    contributed_texts,
    is_contributed,
    refuse_outside_files,
    refuse_unreadable,
)
from casebook.adapter.navcache import install_nav_cache
from casebook.adapter.pagefind import BackgroundIndex, run_pagefind
from casebook.adapter.state import BuildState
from casebook.adapter.watchdog import PageWatchdog
from casebook.adapter.workers import TEMPLATE_EVENTS, BuildWorkers, PageHooks, alone_on
from casebook.bibliography import UNCITED, references_markdown
from casebook.catalogue import Catalogue, Settings, load_catalogue
from casebook.citations.inline import BIBLIOGRAPHY_PAGE
from casebook.core.blockstash import BlockStash, anchor_ids
from casebook.core.escape import html_attr
from casebook.core.markdownsetup import MarkdownSetup
from casebook.core.problems import Problem, sort_problems
from casebook.site.assembly import SiteOptions, assemble
from casebook.site.community import Discussion, community_context
from casebook.site.csp import with_policy
from casebook.site.extras import UNINDEXED
from casebook.site.sanitize import content_id, rename_toc_ids, sanitize_html
from casebook.site.searchmarkup import case_markup, page_markup, search_aliases
from casebook.site.sitelinks import check_links

log = logging.getLogger("mkdocs.plugins.casebook")


class CasebookPlugin(BasePlugin[CasebookConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.serving = False
        self.dirty = False
        #: This build's state; a placeholder until ``on_config`` makes the real one.
        self.build = BuildState(settings=Settings(root=Path(".").resolve()), markdown=MarkdownSetup(),
                                discussion=Discussion())
        #: Worker processes rendering pages beside MkDocs (see workers.py), and the hooks they run.
        hooks = PageHooks(self.on_page_markdown, self.on_page_content, self.on_page_context, partial(alone_on, self))
        self.workers = BuildWorkers(hooks, None, serving=False, dirty=False)
        #: Under ``mkdocs serve``: the search index being built after the pages, while they are served.
        self.background: BackgroundIndex | None = None
        #: Fails the build when one page takes longer than ``page_timeout`` (see watchdog.py).
        self.watchdog = PageWatchdog(None)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Note whether this is ``mkdocs serve`` (drafts shown, search indexed in the background)."""
        self.serving = command == "serve"
        self.dirty = dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Refuse unsafe settings, adjust the config, and start a fresh build state and worker pool."""
        self.build = configure(config, self.config)
        self.workers.close()
        self.workers = BuildWorkers(self.workers.hooks, self.config.workers, serving=self.serving, dirty=self.dirty,
                                    engine_fits=engine_fits(), page_timeout=self.config.page_timeout)
        self.watchdog.close()
        self.watchdog = PageWatchdog(self.config.page_timeout, abandon=self.workers.close)
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Stop a background search index: MkDocs is about to empty the folder it indexes."""
        self._stop_background()

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Load and validate the catalogue, and add every generated page and file to the build."""
        build = self.build
        docs = Path(config.docs_dir).resolve()
        build.docs_prefix = docs.relative_to(build.root).as_posix() if docs.is_relative_to(build.root) else None
        build.settings.docs_dir = build.docs_prefix or "docs"
        catalogue = build.catalogue = load_catalogue(build.settings)
        config_dir = Path(config.config_file_path or "mkdocs.yml").absolute().parent
        refused = refuse_outside_files(files, config_dir, Path(config.docs_dir))
        bib = catalogue.bibliography
        self.workers.size(len(catalogue.cases) + len(files.documentation_pages()))
        formatting = self.workers.format_beside(bib)
        for file in files:
            if build.docs_prefix and not file.generated_by:
                file.edit_uri = f"{build.docs_prefix}/{file.src_uri}"
        for name in EXTRA_CSS + EXTRA_JS + PAGE_JS:
            files.append(File.generated(config, f"assets/casebook/{name}", abs_src_path=str(ASSETS / name)))
        # Placeholders keyed on everything contributors write (case and brief files, the bibliography), so that
        # no contributed text can hold one.
        build.blocks = BlockStash(contributed_texts(catalogue))

        def references_needed() -> None:
            if bib is not None:
                self.workers.take_formatted(bib, formatting)
                build.citations.labels = bib.labels()

        def bibliography_block(html: str) -> str:
            # The list of entries skips the Markdown parser; MkDocs still learns its anchors (links to #key).
            build.bibliography_anchors = anchor_ids(html)
            return build.blocks(html)

        epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
        options = SiteOptions(
            site_name=config.site_name, site_url=config.site_url or "", directory_urls=config.use_directory_urls,
            include_drafts=self.serving,  # drafts are pages only under `mkdocs serve`; a build never sees them
            problem_pages=self.serving,  # so are the pages listing a broken case's problems, at its URL
            source_date_epoch=int(epoch) if epoch.isdigit() else None,
        )
        build.assembly = assemble(
            catalogue, options, lambda src: files.get_file_from_path(src) is not None, block=build.blocks,
            bibliography_block=bibliography_block, references_needed=references_needed,
        )
        # The bodies' links, checked as the command checks them: the log names the same files and lines.
        catalogue.problems = sort_problems([*catalogue.problems, *check_links(catalogue, assembly=build.assembly)])
        self._report(catalogue, refused)
        folders = (build.settings.cases_dir, build.settings.briefs_dir)
        for page in build.assembly.pages:
            add_page(files, config, page)
            build.titles[page.src_uri] = page.title
            if is_contributed(page, folders):
                build.contributed.add(page.src_uri)
        if build.docs_prefix:
            for display, found in catalogue.citations.items():
                if display.startswith(build.docs_prefix + "/"):
                    build.page_citations[display[len(build.docs_prefix) + 1:]] = [c.key for c in found]
        build.search_cases = {f"cases/{c.slug}.md": c for c in catalogue.cases}
        build.search_briefs = {f"briefs/{b.slug}.md": b.is_draft for b in catalogue.briefs}
        for src_uri, content in build.assembly.files.items():
            add_file(files, config, src_uri, content)
        return files

    def _report(self, catalogue: Catalogue, refused: list[Problem]) -> None:
        """Log the catalogue's problems (and ``refused``, the docs/ files taken out as links), uncited entries
        summed up.

        A build leaves drafts out, so their warnings are summed up as information, as ``casebook validate`` lets
        them pass: a draft may keep warnings. Under ``mkdocs serve``, which shows drafts, they are warnings.
        """
        problems = catalogue.problems
        reported = {p.path for p in problems}
        for problem in refused:
            if problem.path not in reported:  # the catalogue names links in docs/ already
                log.error(problem.format_text())
        uncited = 0
        drafts = catalogue.drafts if not self.serving else frozenset()
        in_drafts = 0
        for problem in problems:
            if problem.code == UNCITED and self.config.uncited == "info":
                uncited += 1  # every entry is still listed on /bibliography/
            elif not problem.is_error and problem.path in drafts:
                in_drafts += 1
            else:
                (log.error if problem.is_error else log.warning)(problem.format_text())
        if in_drafts:
            log.info(f"{in_drafts} warning(s) in draft cases or briefs, which a build leaves out; list them with "
                     "'casebook validate'")
        if uncited:
            log.info(
                f"{uncited} bibliography entries are not cited by any case, brief or page; "
                "list them with 'casebook validate --uncited'"
            )

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Fork the workers that turn pages into HTML, now that every page and link target is known."""
        self.workers.start_rendering(nav, config, files)
        return nav

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        """Install the nav cache, then fork the workers that put pages into the theme's template."""
        # Before the workers fork, so that each has the cache (and fills its own copy).
        self.build.nav_key = install_nav_cache(
            env, config, str(TEMPLATES), cache=self.workers.may_take_over(config, TEMPLATE_EVENTS))
        self.workers.start_templates(env, config, files)
        return env

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        """The 404 page gets the same Content-Security-Policy as the others."""
        if self.serving or not template_name.endswith(".html"):
            return output_content
        return with_policy(output_content)

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Give a page its citation data, title, references, search markup and filled-in markers."""
        refuse_unreadable(markdown, page)
        build = self.build
        src_uri = page.file.src_uri
        citation = build.assembly.citations.get(src_uri) if build.assembly else None
        if citation is not None:
            # Read by templates/main.html (extrahead): citation_* meta tags and JSON-LD.
            page.casebook_citation = citation  # type: ignore[attr-defined]
        if self.workers.taken(page):
            return ""  # a worker has rendered the page: MkDocs converts an empty text, on_page_content puts it back
        self.watchdog.start(page)  # until on_page_content: the page's conversion in this process
        build.citations.page = src_uri  # citation links are relative to the page
        bibliography = files.get_file_from_path(BIBLIOGRAPHY_PAGE)
        build.citations.bibliography_url = \
            bibliography.url_relative_to(page.file) if bibliography is not None else None
        keys = build.page_citations.get(src_uri)
        bib = build.catalogue.bibliography if build.catalogue else None
        if keys and bib is not None and not page.file.generated_by:
            markdown += references_markdown(keys, bib)
        title = build.titles.get(src_uri)
        if title is not None:
            # Templates print page.meta.title unescaped; give them HTML-escaped text.
            page.meta = {"title": html_attr(title)}
        # Search markup comes from validated data only: any cb_search a page brings is replaced. Drafts are pages
        # only under `mkdocs serve`, whose search then finds them too, marked; listings are never indexed.
        searched = build.search_cases.get(src_uri)
        draft = build.search_briefs.get(src_uri, False) or (searched is not None and searched.is_draft)
        if src_uri in UNINDEXED or (draft and not self.serving) or (searched and build.catalogue is None):
            page.meta.pop("cb_search", None)
        elif searched is not None and build.catalogue is not None:
            page.meta["cb_search"] = case_markup(searched, build.catalogue.taxonomy)
        elif src_uri in build.search_briefs:
            page.meta["cb_search"] = page_markup("brief", draft=draft)
        else:
            page.meta["cb_search"] = page_markup("page")
        if build.assembly is not None:
            markdown = build.assembly.finish(src_uri, markdown)
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Sanitize a contributed page's HTML, then put the generated blocks back."""
        self.watchdog.stop()
        done = self.workers.put_back(page, files)
        if done is not None:
            return done
        build = self.build
        if page.file.src_uri in build.contributed:
            # The contributor's part only: the generated blocks (placeholders until restored) carry the
            # classes, ids and data attributes of the site's own markup, which content may never set.
            html = sanitize_html(html)
            rename_toc_ids(page.toc)
            if page.present_anchor_ids is not None:
                page.present_anchor_ids = {content_id(anchor) for anchor in page.present_anchor_ids}
        html = build.blocks.restore(html)
        if page.file.src_uri == BIBLIOGRAPHY_PAGE and build.bibliography_anchors:
            page.present_anchor_ids = (page.present_anchor_ids or set()) | build.bibliography_anchors
        if isinstance(page.meta.get("cb_search"), str):
            # The folded spellings of the page's own indexed words ("laegreid" for "Lægreid"), generated here.
            page.meta["cb_search"] += search_aliases(html)
        return html

    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        """Add "Suggest an edit" and the discussion place, rendered by templates/partials/comments.html."""
        prerendered = self.workers.prerendered_context(
            context, page, lambda own: self.on_page_context(own, page=page, config=config, nav=nav))
        if prerendered is not None:
            return prerendered  # type: ignore[no-any-return]
        self.watchdog.start(page)  # until on_post_page: the page in the theme's template, in this process
        src_uri = page.file.src_uri
        context["casebook_community"] = community_context(  # type: ignore[typeddict-unknown-key]
            src_uri, title=self.build.titles.get(src_uri, str(page.title or "")), edit_url=page.edit_url,
            page_url=page.canonical_url or page.abs_url or "", source_path=page.file.edit_uri or src_uri,
            discussion=self.build.discussion,
        )
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Each page's Content-Security-Policy (not under ``mkdocs serve``: its live-reload script is inline)."""
        self.watchdog.stop()
        self.workers.written(page)
        if self.serving:
            return output
        return with_policy(output, discussion_origin=self._discussion_origin(output))

    def _discussion_origin(self, output: str) -> str | None:
        # Only pages that embed the widget (templates/partials/comments.html) let its origin in. Content
        # cannot write a <script> tag: the sanitizer removes it, and its text is escaped.
        origin = self.build.discussion.script_origin
        return origin if origin and f'<script src="{origin}/' in output else None

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Close the workers and build the search index (in the background under ``mkdocs serve``)."""
        self.watchdog.close()
        self.workers.close()
        nav_key = self.build.nav_key
        if nav_key is not None:
            log.debug(f"casebook: nav and tabs rendered {nav_key.rendered} time(s) for "
                      f"{nav_key.asked} page(s) in this process")
        if not self.config.search_index:
            return
        if self.serving and not self.dirty:
            # The pages are served now; search follows when Pagefind is done.
            self.background = BackgroundIndex(Path(config.site_dir), lambda problem: log.error(problem.format_text()))
            log.info("casebook: building the search index in the background; search works when it is done")
            return
        for problem in run_pagefind(Path(config.site_dir)):
            log.error(problem.format_text())

    def on_build_error(self, *, error: Exception) -> None:
        """Close the workers: a failed build leaves no process behind."""
        self.watchdog.close()
        self.workers.close()

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        """Rebuild when cases, the vocabularies, the bibliography or the briefs change."""
        settings = self.build.settings
        for extra in (settings.cases_dir, settings.taxonomy_dir, settings.bibliography, settings.briefs_dir):
            path = settings.root / extra
            if path.exists():
                server.watch(str(path))
        return server

    def on_shutdown(self) -> None:
        """Stop a background search index."""
        self.watchdog.close()
        self._stop_background()

    def _stop_background(self) -> None:
        if self.background is not None:
            self.background.stop()
        self.background = None
