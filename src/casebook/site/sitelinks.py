"""The links of case and brief bodies checked against the site's pages and files, as the strict build checks them.

``core/linkcheck.py`` has MkDocs' rules; this module knows the site they are applied to: the files under
``docs/``, the pages and files :func:`~casebook.site.assembly.assemble` generates (the case and brief pages,
the country, mechanism and policy-area pages, the lists, the data files...) and the plugin's stylesheets and
scripts, and which case and brief files are drafts or have errors (a build leaves both out).

The command (``casebook validate``) and the plugin both call :func:`check_links`, so the build logs the same
problems, on the same lines, as the command prints. Work is done only when a link needs it: a link to another
case, to a brief or to a heading of the same page is answered from the catalogue and the body's headings; a link
to a country, mechanism, policy-area or list page from the site builder's pages; the whole site is assembled
(which formats every reference) only for a link to anything else, or one that goes nowhere, and a page is
rendered for its ids only when an anchor is not among the ids of its body (the page's generated sections add
some, such as ``#cite-this-case``). Anchors into hand-written and generated pages are left to the build.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from casebook.catalogue import Catalogue
from casebook.citations.inline import CitationExtension
from casebook.core.blockstash import BlockStash
from casebook.core.linkcheck import BodyLinks, PageLinks, Target, link_problems
from casebook.core.markup import inspect_body, page_ids, plain_ids
from casebook.core.model import Record
from casebook.core.problems import Problem
from casebook.core.taxonomy import suggestion

if TYPE_CHECKING:  # assembled only when a link needs it: most runs of the command never import it
    from casebook.site.assembly import Assembly

#: The plugin's stylesheets and scripts, published under ``assets/casebook/``.
ASSETS = Path(__file__).resolve().parents[1] / "assets"
#: The site folders of case and brief pages (whatever the project's folders are called).
CONTRIBUTED = ("cases", "briefs")
#: How many broken links of one run get a "did you mean" (each costs a search through the site's names or ids).
SUGGESTIONS = 200


def check_links(
    catalogue: Catalogue, *, whole: Callable[[], Catalogue] | None = None, assembly: Assembly | None = None
) -> list[Problem]:
    """The problems (``W205``–``W207``) of every case's and brief's links that the strict build would warn about.

    ``whole`` loads every case and brief when ``catalogue`` holds only some (``casebook validate FILE``);
    ``assembly`` is the build's own (the plugin's), otherwise one is made when a link needs it.
    """
    if not catalogue.links:
        return []
    site = SiteLinks(catalogue, whole=whole, assembly=assembly)
    problems: list[Problem] = []
    for path in list(catalogue.links):
        src_uri = site.page_of(path)
        if src_uri is None:
            continue
        listed = catalogue.links[path].unparsed is not None
        budget = site.suggestions
        found = link_problems(site.page(path, src_uri), site, catalogue.settings.links)
        if found and listed:
            # The links the body could make: one of them is broken; the parse tells which the build will see.
            site.suggestions = budget
            site.parse(path)
            found = link_problems(site.page(path, src_uri), site, catalogue.settings.links)
        problems += found
    return problems


def docs_sources(root: Path, docs_dir: str) -> frozenset[str]:
    """The files under ``docs_dir`` as MkDocs lists them (dot-files too: a link to one is not a broken link), but
    for symbolic links, which the plugin takes out of the build, and a ``README.md`` beside an ``index.md``."""
    base = root / docs_dir
    if base.is_symlink() or not base.is_dir():
        return frozenset()
    found: set[str] = set()
    for folder, folders, names in os.walk(base):
        here = Path(folder)
        folders[:] = [name for name in folders if not (here / name).is_symlink()]
        files = [name for name in names if not (here / name).is_symlink()]
        if "index.md" in files and "README.md" in files:
            files.remove("README.md")
        prefix = here.relative_to(base).as_posix()
        found.update(name if prefix == "." else f"{prefix}/{name}" for name in files)
    return frozenset(found)


def _records(catalogue: Catalogue) -> dict[str, Record]:
    found: dict[str, Record] = {f"cases/{c.slug}.md": c for c in catalogue.cases}
    found.update({f"briefs/{b.slug}.md": b for b in catalogue.briefs})
    return found


def _renamed(ids: Iterable[str]) -> frozenset[str]:
    """The ids as the plugin renames them in a contributed page (``sanitize.content_id``)."""
    from casebook.site.sanitize import content_id  # the sanitizer is needed only when there are anchors to check

    return frozenset(content_id(i) for i in ids)


class SiteLinks:
    """The site as the build will have it (``core.linkcheck.SiteView``), each part found when first needed."""

    def __init__(self, catalogue: Catalogue, *, whole: Callable[[], Catalogue] | None = None,
                 assembly: Assembly | None = None) -> None:
        self.catalogue = catalogue
        self.settings = catalogue.settings
        self._whole = whole
        self._given = assembly
        self._ids: dict[str, frozenset[str] | None] = {}
        self._body: dict[tuple[str, bool], frozenset[str] | None] = {}
        self._sorted: dict[str, list[str]] = {}
        self._names: dict[str, list[str]] = {}
        #: How many more broken links may get a "did you mean".
        self.suggestions = SUGGESTIONS
        self.docs_dir = self.settings.docs_dir.strip("/")
        setup = self.settings.markdown
        self.setup = setup if setup.added else dataclasses.replace(setup, added=(CitationExtension(),))

    # --- Files and pages --------------------------------------------------------------------------------

    def page_of(self, path: str) -> str | None:
        """The site path of the page of a case or brief file named as in problems (``cases/x.md``)."""
        folder, _, name = path.rpartition("/")
        for section, own in zip(CONTRIBUTED, (self.settings.cases_dir, self.settings.briefs_dir), strict=True):
            if folder == own.strip("/"):
                return f"{section}/{name}"
        return None

    def display(self, src_uri: str) -> str:
        section, _, name = src_uri.partition("/")
        own = {"cases": self.settings.cases_dir, "briefs": self.settings.briefs_dir}.get(section)
        return f"{own.strip('/')}/{name}" if own is not None and "/" not in name else src_uri

    @cached_property
    def whole(self) -> Catalogue:
        """Every case and brief, as checked (the catalogue itself, unless it holds only the files named)."""
        return self._whole() if self._whole is not None else self.catalogue

    @cached_property
    def records(self) -> dict[str, Record]:
        """The valid cases and briefs by the site path of their page."""
        return self.named if self._whole is None else _records(self.whole)

    @cached_property
    def named(self) -> dict[str, Record]:
        """The valid cases and briefs checked in this run by the site path of their page."""
        return _records(self.catalogue)

    @cached_property
    def docs(self) -> frozenset[str]:
        return docs_sources(self.settings.root, self.settings.docs_dir)

    @cached_property
    def assembly(self) -> Assembly:
        """The generated pages and files of a build (drafts left out), as the plugin assembles them."""
        if self._given is not None:
            return self._given
        return self._assemble(include_drafts=False)

    @cached_property
    def preview(self) -> Assembly:
        """The pages of ``mkdocs serve``, drafts in: where a draft's page is."""
        if self._given is not None and self._given.options.include_drafts:
            return self._given
        return self._assemble(include_drafts=True)

    def _assemble(self, *, include_drafts: bool) -> Assembly:
        from casebook.site.assembly import SiteOptions, assemble

        # Generated HTML as placeholders, as the plugin hands it to MkDocs: its ids are not the page's anchors.
        return assemble(self.whole, SiteOptions(site_name="Casebook", include_drafts=include_drafts),
                        lambda src: src in self.docs, block=BlockStash())

    @cached_property
    def built(self) -> frozenset[str]:
        """The pages the site builder makes (case, list, country, mechanism and policy-area pages, the matrix), as
        :func:`assemble` gets them from it: the generated pages a body links to, known without formatting a
        reference (a tenth of the time of the whole assembly)."""
        from casebook.site.builder import SiteBuilder

        return frozenset(page.src_uri for page in SiteBuilder(self.whole, include_drafts=False).pages())

    @cached_property
    def sources(self) -> frozenset[str]:
        """Every page and file of the site by its path in the site."""
        assets = {f"assets/casebook/{p.name}" for p in ASSETS.iterdir() if p.is_file()} if ASSETS.is_dir() else set()
        generated = {page.src_uri for page in self.assembly.pages} | set(self.assembly.files)
        return self.docs | generated | assets

    def target(self, src_uri: str) -> Target:
        if src_uri in self.docs:
            return Target.PRESENT
        section, _, name = src_uri.partition("/")
        if section in CONTRIBUTED and "/" not in name and name.endswith(".md"):
            display = self.display(src_uri)
            # The files checked in this run first: the whole catalogue is loaded only for another one.
            if display in self.catalogue.draft_files or display in self.whole.draft_files:
                return Target.DRAFT
            if src_uri in self.named or src_uri in self.records:
                return Target.PRESENT
            if (self.settings.root / display).is_file():
                return Target.BROKEN
        if self._given is None and src_uri in self.built:
            return Target.PRESENT
        return Target.PRESENT if src_uri in self.sources else Target.MISSING

    def near(self, src_uri: str) -> str | None:
        if not self._spend():
            return None
        folder = posixpath.dirname(src_uri)
        if folder not in self._names:
            self._names[folder] = sorted(posixpath.basename(s) for s in self.sources if posixpath.dirname(s) == folder)
        found = suggestion(posixpath.basename(src_uri), self._names[folder])
        return posixpath.join(folder, found) if found is not None else None

    def _spend(self) -> bool:
        """Whether another suggestion may be looked for: a body of thousands of broken links gets the first ones'."""
        self.suggestions -= 1
        return self.suggestions >= 0

    # --- Bodies and anchors ----------------------------------------------------------------------------

    def page(self, path: str, src_uri: str) -> PageLinks:
        found = self.catalogue.links[path]
        return PageLinks(path, src_uri, found.body_line, path in self.catalogue.draft_files, found.links)

    def parse(self, path: str) -> None:
        """Parse the body of ``path``, whose links and ids were only listed, as the build will (once)."""
        found = self.catalogue.links.get(path)
        if found is not None and found.unparsed is not None:
            parsed = inspect_body(found.unparsed, self.setup, exact=True)
            self.catalogue.links[path] = BodyLinks(found.body_line, tuple(parsed.links), parsed.ids)

    def _body_ids(self, src_uri: str, *, exact: bool) -> frozenset[str] | None:
        """Ids a case's or brief's body gives its page, as the plugin renames them (with ``exact``, all of them, else
        perhaps only some); None for another page."""
        key = (src_uri, exact)
        if key not in self._body:
            self._body[key] = self._find_body_ids(src_uri, exact=exact)
        return self._body[key]

    def _find_body_ids(self, src_uri: str, *, exact: bool) -> frozenset[str] | None:
        display = self.display(src_uri)
        if display in self.catalogue.links:
            if exact:
                self.parse(display)
            ids = self.catalogue.links[display].ids
        elif src_uri in self.records:
            body = self.records[src_uri].body
            ids = inspect_body(body, self.setup, exact=True).ids if exact else plain_ids(body, self.setup)
            if exact and ids is None:
                ids = page_ids(body, self.setup)  # a body the validator need not parse
        else:
            return None
        return _renamed(ids or ())

    def _page_ids(self, src_uri: str) -> frozenset[str] | None:
        """Every id of the page, rendered as the build renders it; None when this build has no such page."""
        if src_uri not in self._ids:
            draft = self.display(src_uri) in self.whole.draft_files
            assembly = self.preview if draft else self.assembly
            page = next((p for p in assembly.pages if p.src_uri == src_uri), None)
            self._ids[src_uri] = None if page is None else \
                _renamed(page_ids(assembly.finish(src_uri, page.markdown), self.setup))
        return self._ids[src_uri]

    def has_anchor(self, src_uri: str, anchor: str) -> bool | None:
        known = self._body_ids(src_uri, exact=False)
        if known is None:
            return None  # a hand-written or generated page: left to the build
        if anchor in known or anchor in (self._body_ids(src_uri, exact=True) or ()):
            return True  # the page has every id its body has
        whole = self._page_ids(src_uri)  # and the ids of its generated sections ("#cite-this-case")
        return None if whole is None else anchor in whole

    def near_anchor(self, src_uri: str, anchor: str) -> str | None:
        if not self._spend():
            return None
        if src_uri not in self._sorted:
            self._sorted[src_uri] = sorted(self._ids.get(src_uri) or self._body_ids(src_uri, exact=True) or ())
        return suggestion(anchor, self._sorted[src_uri])
