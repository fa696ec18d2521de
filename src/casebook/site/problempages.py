"""Under ``mkdocs serve`` only: a case's or brief's problems shown at its URL, where the maintainer looks.

A file with errors has no page of its own: without this, a maintainer who saves a broken case finds a 404 in
the browser and the reason only in the terminal. With it, the case's URL shows a page listing each problem as
``FILE:LINE: CODE message``, and when the file is fixed the next rebuild puts the real page at the same URL, so
the browser's live reload shows it. A file that still has a page despite an error (a citation of a key the
bibliography lacks) gets the same list at the top of that page. ``site/assembly.py`` does both only when
``SiteOptions.problem_pages`` is set (the plugin sets it while serving); a build or an export never does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from casebook.catalogue import Catalogue
from casebook.core.blockstash import identity
from casebook.core.escape import html_text, markdown_text
from casebook.core.loader import MAX_SLUG, RESERVED_SLUGS, SLUG
from casebook.core.problems import Problem
from casebook.site.page import SitePage

#: The class of the box that lists the problems (Material's admonition style for failures).
BOX_CLASS = "admonition failure cb-problems"


def broken_files(catalogue: Catalogue) -> dict[str, tuple[str, list[Problem]]]:
    """Each case or brief file with an error, by the source path its page has: (the file's path, its problems).

    Files whose name is not a slug the site could publish (a reserved name, upper case...) have no page to
    stand in for and are left out; their problems are in the log as always.
    """
    settings = catalogue.settings
    folders = {settings.cases_dir.strip("/"): "cases", settings.briefs_dir.strip("/"): "briefs"}
    by_file: dict[str, list[Problem]] = {}
    for problem in catalogue.problems:
        by_file.setdefault(problem.path, []).append(problem)
    found: dict[str, tuple[str, list[Problem]]] = {}
    for path, problems in by_file.items():
        folder, _, name = path.rpartition("/")
        section = folders.get(folder)
        slug = name.removesuffix(".md")
        if section is None or not name.endswith(".md") or not _is_slug(slug) or not any(p.is_error for p in problems):
            continue
        found[f"{section}/{slug}.md"] = (path, problems)
    return found


def problem_pages(
    catalogue: Catalogue, exists: Callable[[str], bool], *, block: Callable[[str], str] = identity
) -> list[SitePage]:
    """A page for each case or brief file with an error whose URL no other page takes, in the order of the files.

    ``exists(src_uri)`` says whether the site has a page there already (a hand-written or generated one).
    """
    pages = []
    for src_uri, (path, problems) in broken_files(catalogue).items():
        if exists(src_uri):
            continue  # the file still has its page (see with_problems), or the URL is another page's
        draft = path in catalogue.draft_files
        outcome = "this draft has no page in the preview until they are fixed" if draft else \
            "this file is not published until they are fixed"
        box = _box(problems, outcome, block, draft=draft)
        pages.append(SitePage(src_uri, f"Problems in {path}", f"# Problems in {markdown_text(path)}\n\n{box}\n",
                              edit_path=path))
    return pages


def with_problems(pages: list[SitePage], catalogue: Catalogue, *, block: Callable[[str], str] = identity
                  ) -> list[SitePage]:
    """``pages``, each page of a case or brief file with an error starting with the list of its problems."""
    broken = broken_files(catalogue)
    out = []
    for page in pages:
        found = broken.get(page.src_uri)
        if found is not None and page.edit_path == found[0]:
            box = _box(found[1], "mkdocs build --strict fails until they are fixed", block,
                       draft=found[0] in catalogue.draft_files)
            page = dataclasses.replace(page, markdown=f"{box}\n\n{page.markdown}")
        out.append(page)
    return out


def _is_slug(stem: str) -> bool:
    return bool(SLUG.fullmatch(stem)) and len(stem) <= MAX_SLUG and stem not in RESERVED_SLUGS


def _box(problems: list[Problem], outcome: str, block: Callable[[str], str], *, draft: bool = False) -> str:
    lines = "\n".join(html_text(p.format_text()) for p in problems)
    errors = sum(1 for p in problems if p.is_error)
    # A draft is never published: fixed, it shows here as the preview shows drafts, marked as one.
    then = "this page then shows your draft, marked DRAFT (the published site leaves drafts out)" if draft else \
        "this page then shows it as it will be published"
    return block(
        f'<div class="{BOX_CLASS}">\n'
        f'<p class="admonition-title">{errors} error(s): {html_text(outcome)}</p>\n'
        f"<pre><code>{lines}</code></pre>\n"
        f"<p>Fix the file and save it: {html_text(then)}. Only <code>mkdocs serve</code> shows this list.</p>\n"
        "</div>"
    )
