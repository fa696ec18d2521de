"""Markdown for policy brief pages and the list of briefs. Every front-matter value is escaped for where it lands."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from html import escape

from .briefs import newest_first
from .model import Brief, Case

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

#: The characters Python-Markdown treats as escapable, apart from '<', '>' and '&' (HTML-escaped instead).
_MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!"


def one_line(value: str) -> str:
    """Collapse whitespace: a newline inside a value would end an HTML block early."""
    return " ".join(value.split())


def html_text(value: str) -> str:
    return escape(one_line(value), quote=False)


def html_attr(value: str) -> str:
    return escape(one_line(value), quote=True)


def markdown_text(value: str) -> str:
    """``value`` as literal text inside Markdown: no emphasis, links, HTML or headings from it."""
    escaped = escape(one_line(value), quote=False)
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in escaped)


def human_date(iso: str) -> str:
    day = datetime.date.fromisoformat(iso)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def brief_references(brief: Brief) -> str:
    """Hook for the brief's reference list (HTML or Markdown), empty while no bibliography renderer exists.

    It should render the keys in ``brief.references`` together with the keys cited inline in the body.
    """
    return ""


def brief_header(brief: Brief) -> str:
    """Title, summary, facts and the key-messages box, as HTML blocks."""
    draft = '<p class="cb-draft">DRAFT: not published</p>\n' if brief.is_draft else ""
    facts = (
        f"<dt>For</dt><dd>{html_text(', '.join(brief.audience))}</dd>"
        f"<dt>Authors</dt><dd>{html_text(', '.join(brief.authors))}</dd>"
        f'<dt>Date</dt><dd><time datetime="{html_attr(brief.date)}">{html_text(human_date(brief.date))}</time></dd>'
    )
    messages = "".join(f"<li>{html_text(m)}</li>" for m in brief.key_messages)
    return (
        f'<h1 id="brief-title">{html_text(brief.title)}</h1>\n{draft}'
        f'<p class="cb-summary">{html_text(brief.summary)}</p>\n'
        f'<dl class="cb-card cb-brief-facts">{facts}</dl>\n'
        f'<section class="cb-key-messages" aria-labelledby="key-messages">'
        f'<h2 id="key-messages">Key messages</h2><ul>{messages}</ul></section>\n'
    )


def brief_cases(brief: Brief, cases: Mapping[str, Case], *, base: str = "../") -> str:
    """The cases the brief draws on, as relative ``.md`` links MkDocs checks."""
    lines = ["## Cases this brief draws on", ""]
    for slug in brief.cases:
        case = cases[slug]
        summary = f'<span class="cb-case-summary">: {markdown_text(case.summary)}</span>'
        lines.append(f"- [{markdown_text(case.title)}]({base}cases/{slug}.md){summary}")
    return "\n".join(lines) + "\n"


def brief_markdown(brief: Brief, cases: Mapping[str, Case]) -> str:
    """The Markdown source of ``briefs/<slug>.md``: header and key messages, cases, body, references."""
    parts = [brief_header(brief), brief_cases(brief, cases), brief.body.strip("\n") + "\n"]
    references = brief_references(brief)
    if references:
        parts.append(references)
    return "\n".join(parts)


def briefs_index_markdown(briefs: list[Brief]) -> str:
    """The list of briefs at ``briefs/index.md``, newest first, linking each brief."""
    lines = [
        "# Policy briefs",
        "",
        "Policy briefs draw lessons from several cases in the catalogue for practitioners. "
        "Each brief starts with its key messages, links the cases it draws on and prints as a short document.",
        "",
    ]
    if not briefs:
        lines += ["No policy briefs have been published yet.", ""]
    for brief in newest_first(briefs):
        draft = " (draft)" if brief.is_draft else ""
        lines += [
            f"## [{markdown_text(brief.title)}]({brief.slug}.md){draft}",
            "",
            f'<p class="cb-brief-meta"><time datetime="{html_attr(brief.date)}">{html_text(human_date(brief.date))}'
            f"</time> · For {html_text(', '.join(brief.audience))}</p>",
            "",
            markdown_text(brief.summary),
            "",
        ]
    return "\n".join(lines)
