"""Under ``mkdocs serve`` only: a page at the URL of each case or brief that has errors, listing its problems.

A file with errors has no page of its own: without this, a maintainer who saves a broken case finds a 404 in
the browser and the reason only in the terminal. With it, the case's URL shows each problem as
``FILE:LINE: CODE message``, and when the file is fixed the next rebuild puts the real page at the same URL, so
the browser's live reload shows it. ``site/assembly.py`` adds these pages only when ``SiteOptions.problem_pages``
is set (the plugin sets it while serving); a build or an export never has one.
"""

from __future__ import annotations

from collections.abc import Callable

from casebook.catalogue import Catalogue
from casebook.core.blockstash import identity
from casebook.core.escape import html_text, markdown_text
from casebook.core.loader import MAX_SLUG, RESERVED_SLUGS, SLUG
from casebook.core.problems import Problem
from casebook.site.page import SitePage

#: The class of the box that lists the problems (Material's admonition style for failures).
BOX_CLASS = "admonition failure cb-problems"


def problem_pages(
    catalogue: Catalogue, exists: Callable[[str], bool], *, block: Callable[[str], str] = identity
) -> list[SitePage]:
    """A page for each case or brief file with an error whose URL no other page takes, in the order of the files.

    ``exists(src_uri)`` says whether the site has a page there already (a hand-written or generated one).
    """
    settings = catalogue.settings
    folders = {settings.cases_dir.strip("/"): "cases", settings.briefs_dir.strip("/"): "briefs"}
    by_file: dict[str, list[Problem]] = {}
    for problem in catalogue.problems:
        by_file.setdefault(problem.path, []).append(problem)
    pages = []
    for path, problems in by_file.items():
        folder, _, name = path.rpartition("/")
        section = folders.get(folder)
        slug = name.removesuffix(".md")
        if section is None or not name.endswith(".md") or not _is_slug(slug):
            continue  # not a page the site would have: nothing to stand in for
        if not any(p.is_error for p in problems):
            continue
        src_uri = f"{section}/{slug}.md"
        if exists(src_uri):
            continue  # the file still has a page (an error found after it was built), or the URL is another's
        pages.append(SitePage(src_uri, f"Problems in {path}", _markdown(path, problems, block), edit_path=path))
    return pages


def _is_slug(stem: str) -> bool:
    return bool(SLUG.fullmatch(stem)) and len(stem) <= MAX_SLUG and stem not in RESERVED_SLUGS


def _markdown(path: str, problems: list[Problem], block: Callable[[str], str]) -> str:
    lines = "\n".join(html_text(p.format_text()) for p in problems)
    errors = sum(1 for p in problems if p.is_error)
    box = (
        f'<div class="{BOX_CLASS}">\n'
        f'<p class="admonition-title">{errors} error(s): this file is not published until they are fixed</p>\n'
        f"<pre><code>{lines}</code></pre>\n"
        "<p>Fix the file and save it: this page then shows it. Only <code>mkdocs serve</code> shows this page; "
        "a build leaves the file out (and <code>mkdocs build --strict</code> fails).</p>\n"
        "</div>"
    )
    return f"# Problems in {markdown_text(path)}\n\n{block(box)}\n"
