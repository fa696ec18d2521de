"""The MkDocs side of the worker processes (``parallel.py``): when to fork, what a worker does, how
MkDocs then uses the result.

Three kinds of work go to workers: formatting the references (during ``on_files``), turning pages
from Markdown into HTML (forked at ``on_nav``) and putting pages into the theme's template (forked at
``on_env``). A worker runs the plugin's own hooks on its copy of the build; MkDocs, in the main
process, then converts an empty text for a page a worker rendered (``on_page_content`` puts the result
back), and writes a page a worker put into the template through the one-line ``PRERENDERED`` template.

The workers know the plugin only by the hooks it hands them (``PageHooks``). What they copy of MkDocs'
private build steps is listed, with the versions it was tested on, in ``engine.py``; on any other engine
the plugin gives them ``engine_fits=False`` and the build renders serially.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from casebook.adapter.parallel import RenderPool, can_fork, default_workers, replay
from casebook.bibliography import Bibliography, format_entries

log = logging.getLogger("mkdocs.plugins.casebook")

#: Events that see a page while it is read and converted: workers may render pages only when the
#: casebook plugin is the only one listening to them (another plugin's hook would run in a worker, unseen).
PAGE_EVENTS = ("pre_page", "page_read_source", "page_markdown", "page_content")
#: The same for putting pages into the theme's template (the nav and the environment are the worker's copies).
TEMPLATE_EVENTS = ("nav", "env", "page_context", "post_page")
#: The template that writes out a page a worker has already put into the theme's template.
PRERENDERED = "casebook-prerendered.html"
#: What MkDocs 1.6 puts before a draft's content under ``mkdocs serve`` (``commands/build.py``).
DRAFT_MARKER = ('<div class="mkdocs-draft-marker" title="This page will not be included into the built site.">'
                'DRAFT</div>')
#: With ``workers`` unset, sites smaller than this render serially (forking would cost more than it saves).
AUTO_WORKERS_MIN_PAGES = 100


def alone_on(plugin: object, config: MkDocsConfig, events: tuple[str, ...]) -> bool:
    """Whether ``plugin`` is the only one with a hook on each of ``events``."""
    return all(getattr(method, "__self__", None) is plugin
               for event in events for method in config.plugins.events.get(event, []))


class PageHook(Protocol):
    """``on_page_markdown`` or ``on_page_content``: a page's text in, its text out."""

    def __call__(self, text: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str: ...


class ContextHook(Protocol):
    """``on_page_context``."""

    def __call__(self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig,
                 nav: Navigation) -> TemplateContext: ...


@dataclass(frozen=True)
class PageHooks:
    """What the workers run of the plugin's, in place of MkDocs running it, and the check that they may."""

    #: Run on a page's Markdown before a worker converts it (MkDocs' ``page_markdown`` event).
    markdown: PageHook
    #: Run on a page's HTML after a worker converted it (``page_content``).
    content: PageHook
    #: Run on a page's context before a worker puts it into the template (``page_context``).
    context: ContextHook
    #: Whether the plugin is the only one with a hook on each of the events named (see ``alone_on``).
    alone_on: Callable[[MkDocsConfig, tuple[str, ...]], bool]


@dataclass
class Rendered:
    """What rendering a page leaves on it (MkDocs 1.6 ``Page.render`` and ``on_page_content``)."""

    content: str
    markdown: str
    meta: dict[str, Any]
    toc: Any
    title_from_render: str | None
    present_anchor_ids: set[str] | None
    #: ``Page.links_to_anchors`` with each linked file given by its ``src_uri`` (File objects do not travel).
    links_to_anchors: dict[str, dict[str, str]] | None

    @classmethod
    def of(cls, page: Any) -> Rendered:
        links = page.links_to_anchors
        return cls(
            content=page.content, markdown=page.markdown, meta=dict(page.meta), toc=page.toc,
            title_from_render=page._title_from_render, present_anchor_ids=page.present_anchor_ids,
            links_to_anchors=None if links is None else {file.src_uri: dict(v) for file, v in links.items()},
        )

    def apply(self, page: Any, files: Any) -> None:
        """Put the result on the main process's ``page`` (whose own conversion was of an empty text)."""
        page.markdown = self.markdown
        page.meta = self.meta
        page.toc = self.toc
        page._title_from_render = self.title_from_render
        page.present_anchor_ids = self.present_anchor_ids
        if self.links_to_anchors is None:
            page.links_to_anchors = None
        else:
            page.links_to_anchors = {
                files.get_file_from_path(src_uri): links for src_uri, links in self.links_to_anchors.items()
            }


class BuildWorkers:
    """The worker processes of one build, which run ``hooks``; none unless ``engine_fits`` (``engine.py``)."""

    def __init__(self, hooks: PageHooks, setting: int | None, *, serving: bool, dirty: bool,
                 engine_fits: bool = False, page_timeout: float = 0) -> None:
        self.hooks = hooks
        #: Workers silent for longer than one page may take (``page_timeout``) are given up on, and the main
        #: process renders their pages, under the watchdog (``watchdog.py``): a slow page is then named, and a
        #: stuck worker costs no more than that.
        self.page_timeout = page_timeout if page_timeout > 0 else None
        self.setting = setting
        self.serving = serving
        self.dirty = dirty
        self.engine_fits = engine_fits
        self.count = 0
        self.pool: RenderPool | None = None
        #: Pages a worker turned into HTML, until on_page_content puts them back.
        self.rendered: dict[str, tuple[Any, Rendered]] = {}
        self.template_pool: RenderPool | None = None
        self.nav: Any = None
        self.env: Any = None
        self.write_order: list[Page] = []
        #: Pages MkDocs will write from a worker's output, with the template their own meta names.
        self.prerendered: dict[str, str | None] = {}

    def size(self, pages: int) -> int:
        """How many workers this build uses, for a site of ``pages`` pages."""
        if self.dirty or not self.engine_fits or not can_fork():
            self.count = 0
        elif self.setting is not None:
            self.count = max(0, self.setting)
        else:
            self.count = default_workers() if pages >= AUTO_WORKERS_MIN_PAGES else 0
        return self.count

    def may_take_over(self, config: MkDocsConfig, events: tuple[str, ...]) -> bool:
        """Whether the plugin may do the engine's work on ``events`` its own way (in workers, or from the nav
        cache): the engine is one that way was tested on, and no other plugin has a hook on them."""
        return self.engine_fits and self.hooks.alone_on(config, events)

    # --- References -------------------------------------------------------------------------------

    def format_beside(self, bib: Bibliography | None) -> RenderPool | None:
        """A worker formatting every reference while this process writes the generated pages."""
        if bib is None or bib.is_formatted or not self.count or len(bib.keys) < AUTO_WORKERS_MIN_PAGES:
            return None
        return RenderPool(["references"], lambda _: format_entries(bib), 1)

    @staticmethod
    def take_formatted(bib: Bibliography, formatting: RenderPool | None) -> None:
        if formatting is None:
            return
        if not formatting.claim("references"):
            done = formatting.result("references")
            if done is not None:
                replay(done[0])
                bib.use_formatted(*done[1])
                log.debug(f"casebook: {len(bib.keys)} references formatted by a worker process")
        formatting.close()

    # --- Markdown to HTML -------------------------------------------------------------------------

    def start_rendering(self, nav: Any, config: MkDocsConfig, files: Files) -> None:
        """At on_nav: workers that render pages from the last while MkDocs goes from the first."""
        self.close()
        self.nav = nav
        pages = [file.src_uri for file in files.documentation_pages()]
        if self.size(len(pages)) and self.may_take_over(config, PAGE_EVENTS):
            self.pool = RenderPool(pages, lambda src_uri: self._render(src_uri, config, files), self.count,
                                   self.page_timeout)

    def _render(self, src_uri: str, config: MkDocsConfig, files: Files) -> Rendered:
        """In a worker: what MkDocs' ``_populate_page`` does for one page, with the plugin's hooks."""
        file = files.get_file_from_path(src_uri)
        assert file is not None
        page = file.page or Page(None, file, config)
        config._current_page = page
        page.read_source(config)
        assert page.markdown is not None
        page.markdown = self.hooks.markdown(page.markdown, page=page, config=config, files=files)
        page.render(config, files)
        assert page.content is not None
        page.content = self.hooks.content(page.content, page=page, config=config, files=files)
        return Rendered.of(page)

    def taken(self, page: Page) -> bool:
        """At on_page_markdown: whether a worker has rendered ``page`` (MkDocs then converts an empty text)."""
        if self.pool is None or self.pool.claim(page.file.src_uri):
            return False
        done = self.pool.result(page.file.src_uri)
        if done is None:
            return False
        self.rendered[page.file.src_uri] = done
        page.meta = done[1].meta
        return True

    def put_back(self, page: Page, files: Files) -> str | None:
        """At on_page_content: the worker's HTML for ``page``, its state restored on the page; else None."""
        done = self.rendered.pop(page.file.src_uri, None)
        if done is None:
            return None
        records, rendered = done
        replay(records)  # a broken link's warning, logged as if the page were rendered here
        rendered.apply(page, files)
        return rendered.content

    # --- Pages into the template ------------------------------------------------------------------

    def start_templates(self, env: Any, config: MkDocsConfig, files: Files) -> None:
        """At on_env: every page is HTML now; workers that put pages into the template, from the last."""
        self.close()
        if not self.count or not self.may_take_over(config, PAGE_EVENTS + TEMPLATE_EVENTS):
            return
        inclusion = InclusionLevel.is_in_serve if self.serving else InclusionLevel.is_included
        doc_files = files.documentation_pages(inclusion=inclusion)
        self.write_order = [file.page for file in doc_files if file.page is not None]
        self.env = env

        def write(src_uri: str) -> str:
            return self._fill_template(src_uri, config, files, doc_files, env)
        self.template_pool = RenderPool([page.file.src_uri for page in self.write_order], write, self.count,
                                        self.page_timeout)
        self._claim_next(-1)

    def _fill_template(self, src_uri: str, config: MkDocsConfig, files: Files, doc_files: Any, env: Any) -> str:
        """In a worker: what MkDocs' ``_build_page`` does for one page before it writes the file."""
        file = files.get_file_from_path(src_uri)
        assert file is not None and file.page is not None
        page = file.page
        config._current_page = page
        page.active = True
        try:
            context = get_context(self.nav, doc_files, config, page)
            template = env.get_template(page.meta.get("template", "main.html"))
            context = self.hooks.context(context, page=page, config=config, nav=self.nav)
            if file.inclusion.is_excluded():  # type: ignore[no-untyped-call]
                page.content = DRAFT_MARKER + (page.content or "")
            return str(template.render(context))
        finally:
            page.active = False

    def _claim_next(self, index: int) -> None:
        """Before MkDocs picks the template of the page after ``index``: the worker's output, if a worker has it."""
        if self.template_pool is None or index + 1 >= len(self.write_order):
            return
        page = self.write_order[index + 1]
        if not self.template_pool.claim(page.file.src_uri):
            self.prerendered[page.file.src_uri] = page.meta.get("template")
            page.meta = {**page.meta, "template": PRERENDERED}

    def written(self, page: Page) -> None:
        """At on_post_page: ``page`` keeps its own template again, and the next page is claimed."""
        if page.meta.get("template") == PRERENDERED:
            self._own_template(page)
        if self.template_pool is not None:
            index = self.template_pool.index.get(page.file.src_uri)
            if index is not None:
                self._claim_next(index)

    def _own_template(self, page: Page) -> str | None:
        """Give ``page`` back the template its meta named before PRERENDERED replaced it (if any)."""
        own = self.prerendered.pop(page.file.src_uri, None)
        page.meta = {key: value for key, value in page.meta.items() if key != "template"}
        if own is not None:
            page.meta["template"] = own
        return own

    def prerendered_context(self, context: Any, page: Page, own_context: Callable[[Any], Any]) -> Any | None:
        """At on_page_context: for a page MkDocs writes through PRERENDERED, the context that holds its HTML.

        ``own_context`` is the plugin's usual on_page_context; it is used when no worker could do the page,
        which then goes into its own template here, with this very context. None for any other page.
        """
        if page.meta.get("template") != PRERENDERED or self.template_pool is None:
            return None
        done = self.template_pool.result(page.file.src_uri)
        if done is not None:
            replay(done[0])
            context["casebook_prerendered"] = done[1]
            return context
        own = self._own_template(page)
        context = own_context(context)
        context["casebook_prerendered"] = self.env.get_template(own or "main.html").render(context)
        return context

    def close(self) -> None:
        for pool, what in ((self.pool, "rendered"), (self.template_pool, "put into the template")):
            if pool is not None:
                taken = pool.close()
                log.debug(f"casebook: {taken} of {len(pool.keys)} pages {what} by "
                          f"{len(pool.processes)} worker process(es)")
        self.pool = self.template_pool = None
        self.rendered = {}
        self.prerendered = {}
