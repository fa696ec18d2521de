"""Markdown for policy brief pages and the list of briefs. Every front-matter value is escaped for where it lands."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping

from casebook.bibliography import Bibliography, references_markdown
from casebook.catalogue import Catalogue, case_citations
from casebook.core.blockstash import identity
from casebook.core.briefs import newest_first
from casebook.core.escape import html_attr, html_text, markdown_text, one_line
from casebook.core.model import Brief, Case
from casebook.site.page import BRIEFS_INDEX, SitePage
from casebook.site.searchmarkup import SEARCH_IGNORE

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

def line_text(value: str) -> str:
    """``value`` on one line, as HTML text (a line break inside a value would end an HTML block early)."""
    return html_text(one_line(value))


def line_attr(value: str) -> str:
    """``value`` on one line, as an HTML attribute value."""
    return html_attr(one_line(value))


def line_markdown(value: str) -> str:
    """``value`` on one line, as literal Markdown text: no emphasis, links, HTML or headings from it."""
    return markdown_text(one_line(value))


def human_date(iso: str) -> str:
    day = datetime.date.fromisoformat(iso)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def brief_references(
    brief: Brief, bibliography: Bibliography | None = None, *, block: Callable[[str], str] = identity
) -> str:
    """The brief's "References": the keys in ``brief.references`` and those cited inline in the body."""
    if bibliography is None:
        return ""
    return references_markdown([c.key for c in case_citations(brief)], bibliography, block=block).lstrip("\n")


def brief_header(brief: Brief) -> str:
    """Title, summary, facts and the key-messages box, as HTML blocks; search leaves the facts out (their labels
    would run into their values)."""
    draft = '<p class="cb-draft">DRAFT: not published</p>\n' if brief.is_draft else ""
    facts = (
        f"<dt>For</dt><dd>{line_text(', '.join(brief.audience))}</dd>"
        f"<dt>Authors</dt><dd>{line_text(', '.join(brief.authors))}</dd>"
        f'<dt>Date</dt><dd><time datetime="{line_attr(brief.date)}">{line_text(human_date(brief.date))}</time></dd>'
    )
    messages = "".join(f"<li>{line_text(m)}</li>" for m in brief.key_messages)
    return (
        f'<h1 id="brief-title">{line_text(brief.title)}</h1>\n{draft}'
        f'<p class="cb-summary">{line_text(brief.summary)}</p>\n'
        f'<dl class="cb-card cb-brief-facts" {SEARCH_IGNORE}>{facts}</dl>\n'
        f'<section class="cb-key-messages" aria-labelledby="key-messages">'
        f'<h2 id="key-messages">Key messages</h2><ul>{messages}</ul></section>\n'
    )


def brief_cases(brief: Brief, cases: Mapping[str, Case], *, base: str = "../") -> str:
    """The cases the brief draws on, as relative ``.md`` links MkDocs checks."""
    lines = ["## Cases this brief draws on", ""]
    for slug in brief.cases:
        case = cases[slug]
        summary = f'<span class="cb-case-summary">: {line_markdown(case.summary)}</span>'
        draft = " (draft)" if case.is_draft else ""  # a draft brief in a preview; a published one cannot cite one
        lines.append(f"- [{line_markdown(case.title)}]({base}cases/{slug}.md){draft}{summary}")
    return "\n".join(lines) + "\n"


def brief_markdown(
    brief: Brief, cases: Mapping[str, Case], bibliography: Bibliography | None = None, *,
    block: Callable[[str], str] = identity,
) -> str:
    """The Markdown source of ``briefs/<slug>.md``: header and key messages, cases, body, references.

    ``block`` turns the generated HTML (header, references) into what the Markdown holds (``blockstash.py``).
    """
    parts = [block(brief_header(brief)), brief_cases(brief, cases), brief.body.strip("\n") + "\n"]
    references = brief_references(brief, bibliography, block=block)
    if references:
        parts.append(references)
    return "\n".join(parts)


#: Where the list of briefs goes in a hand-written ``docs/briefs/index.md``.
BRIEFS_MARKER = "<!-- casebook:briefs -->"


def briefs_list_markdown(briefs: list[Brief], *, heading_ids: bool = False) -> str:
    """The briefs, newest first, each a linked heading, its date and audience, and its summary.

    With ``heading_ids`` each heading carries its id (``{ #brief-<slug> }``, for the attr_list extension) instead
    of the one the ``toc`` extension would make from the brief's title: an engine without the plugin's guarded
    ``slugify`` would otherwise give a brief titled ``__config`` the theme's configuration id.
    """
    if not briefs:
        return "No policy briefs have been published yet.\n"
    lines: list[str] = []
    for brief in newest_first(briefs):
        draft = " (draft)" if brief.is_draft else ""
        lines += [
            f"## [{line_markdown(brief.title)}]({brief.slug}.md){draft}"
            + (f" {{ #brief-{brief.slug} }}" if heading_ids else ""),
            "",
            f'<p class="cb-brief-meta"><time datetime="{line_attr(brief.date)}">{line_text(human_date(brief.date))}'
            f"</time> · For {line_text(', '.join(brief.audience))}</p>",
            "",
            line_markdown(brief.summary),
            "",
        ]
    return "\n".join(lines)


def briefs_index_markdown(briefs: list[Brief], *, heading_ids: bool = False) -> str:
    """The generated list of briefs at ``briefs/index.md``."""
    intro = (
        "# Policy briefs\n\n"
        "Policy briefs draw lessons from several cases in the catalogue for practitioners. "
        "Each brief starts with its key messages, links the cases it draws on and prints as a short document.\n\n"
    )
    return intro + briefs_list_markdown(briefs, heading_ids=heading_ids)


def fill_briefs_index(markdown: str, listing: str) -> str:
    """Put the list of briefs where a hand-written index has the marker, or after its text."""
    if BRIEFS_MARKER in markdown:
        return markdown.replace(BRIEFS_MARKER, "\n" + listing + "\n", 1)
    return markdown.rstrip("\n") + "\n\n" + listing


def published_or_all(catalogue: Catalogue, *, include_drafts: bool) -> list[Brief]:
    return [b for b in catalogue.briefs if include_drafts or not b.is_draft]


def brief_site_pages(
    catalogue: Catalogue, *, include_drafts: bool, index: bool = True, block: Callable[[str], str] = identity,
    heading_ids: bool = False,
) -> list[SitePage]:
    """A page per brief (drafts only if ``include_drafts``) and, if ``index``, the list of briefs.

    Sorted by source path. Without ``index`` (a hand-written ``briefs/index.md`` exists), the list goes
    into that page through :func:`fill_briefs_index`.
    """
    briefs = published_or_all(catalogue, include_drafts=include_drafts)
    cases = {c.slug: c for c in catalogue.cases}
    bib = catalogue.bibliography
    pages = [
        SitePage(f"briefs/{b.slug}.md", b.title, brief_markdown(b, cases, bib, block=block), edit_path=b.path)
        for b in briefs
    ]
    if index:
        pages.append(SitePage(BRIEFS_INDEX, "Policy briefs", briefs_index_markdown(briefs, heading_ids=heading_ids),
                              in_nav=True))
    return sorted(pages, key=lambda page: page.src_uri)
