"""Generated pages and files as MkDocs files: clash and destination checks, and what MkDocs may not read.

The site's pages are made by ``site/assembly.py``; here each one becomes a ``File.generated``, never
overwriting a hand-written page silently and never written outside ``site_dir``, and files of ``docs/`` that
are links or lie outside the project are taken out of the build before MkDocs reads them. A page whose text
MkDocs' HTML reader cannot read stops the build with ``FILE:LINE: E123`` instead of that reader's exception.
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from casebook.adapter.watchdog import page_source
from casebook.catalogue import Catalogue
from casebook.core.loader import path_problem
from casebook.core.markup import UNREADABLE_DECLARATION, unreadable_declarations
from casebook.core.problems import Problem, error
from casebook.site.page import SitePage


def refuse_unreadable(markdown: str, page: Page) -> None:
    """Stop the build, naming the file and line (E123), if ``page``'s text holds a ``<![`` that the HTML reader
    MkDocs runs over every page would stop on with an exception. Cases and briefs with one never get here
    (``casebook validate`` refuses them and the build leaves them out); hand-written pages can."""
    lines = unreadable_declarations(markdown)
    if not lines:
        return
    line = lines[0]
    if page.file.abs_src_path and not page.file.generated_by:
        try:  # the line in the file, front-matter included
            line = (unreadable_declarations(Path(page.file.abs_src_path).read_text(encoding="utf-8")) or lines)[0]
        except (OSError, UnicodeDecodeError):
            pass
    source, _ = page_source(page)
    raise PluginError(error(source, line, "E123", UNREADABLE_DECLARATION).format_text())


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


def add_page(files: Files, config: MkDocsConfig, page: SitePage) -> File:
    """``page`` as a generated MkDocs file, added to ``files``; a hand-written page of the same path is an error."""
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
    files.append(file)
    return file


def add_file(files: Files, config: MkDocsConfig, src_uri: str, content: str) -> None:
    """A generated file outside the nav (a data file, the feed, the explorer); a hand-written one is an error."""
    existing = files.get_file_from_path(src_uri)
    if existing is not None:
        raise PluginError(
            f"casebook: generated file '{src_uri}' clashes with '{existing.src_uri}' in docs/; "
            "remove or rename the hand-written one"
        )
    files.append(File.generated(config, src_uri, content=content, inclusion=InclusionLevel.NOT_IN_NAV))
