"""The lessons of a mechanism's or a policy area's cases, gathered on its page ("Lessons from these cases").

Each case may record short lessons in its front-matter (``lessons``). A term's page lists them case by case,
under the case's linked title, in the case's own words: the site adds no synthesis. Which lessons recur is for
the reader to see side by side; the only grouping across cases the site would show is one the content itself
declares, and the case files declare none (a lesson is a plain string), so the section says that lessons are
grouped by case only. Cases in the listing order of the page (by title); a case without lessons is named at the
end, so that the reader knows it was not left out.

Lessons are contributed text: escaped for HTML and put on one line (:func:`casebook.core.escape.one_line`), so
that no line break in a lesson can end the HTML block early where the block reaches a Markdown parser as it is
(``casebook export``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from casebook.core.blockstash import identity
from casebook.core.escape import html_attr, html_text, one_line
from casebook.core.model import Case
from casebook.core.taxonomy import country_name

#: The section's heading, and its anchor (the id MkDocs gives the heading), where briefs may link.
HEADING = "Lessons from these cases"
LESSONS_ANCHOR = "lessons-from-these-cases"


def _count(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def lessons_section(
    cases: Sequence[Case], href: Callable[[Case], str], *, block: Callable[[str], str] = identity
) -> str:
    """The Markdown of the section for ``cases`` (``href(case)``: the link to its page); "" without cases."""
    if not cases:
        return ""
    recorded = [case for case in cases if case.lessons]
    silent = [case for case in cases if not case.lessons]
    parts = [f"## {HEADING}\n"]
    if not recorded:
        parts.append("None of these cases records lessons yet.\n")
    else:
        total = _count(sum(len(case.lessons) for case in recorded), "lesson", "lessons")
        if len(cases) == 1:
            whose = f"the case above records ({total})"
        elif len(recorded) == len(cases):
            whose = f"all {len(cases)} cases above record ({total} in all)"
        else:
            whose = f"{len(recorded)} of the {len(cases)} cases above record ({total} in all)"
        parts.append(
            f"The lessons that {whose}, each under its case and in the case's own words. The lessons are grouped "
            "by case only: the catalogue declares no grouping of lessons across cases, so none is merged with "
            "another or summed up here. Read them side by side to see which recur.\n"
        )
        items = [_case_lessons(case, href(case)) for case in recorded]
        parts.append(block('<ul class="cb-list cb-lessons">\n' + "\n".join(items) + "\n</ul>\n"))
    if silent and recorded:
        links = ", ".join(f'<a href="{html_attr(href(case))}">{html_text(case.title)}</a>' for case in silent)
        parts.append(block(f'<p class="cb-lessons__none">No lessons recorded: {links}.</p>\n'))
    return "\n".join(parts)


def _case_lessons(case: Case, href: str) -> str:
    draft = ' <span class="cb-badge">DRAFT</span>' if case.is_draft else ""
    where = ", ".join(country_name(code) for code in case.countries)
    meta = f"{where} · {case.period_label} · {_count(len(case.lessons), 'lesson', 'lessons')}"
    lessons = "".join(f"<li>{html_text(one_line(lesson))}</li>" for lesson in case.lessons)
    return (
        f'<li class="cb-entry"><a class="cb-entry__title" href="{html_attr(href)}">{html_text(case.title)}</a>{draft}'
        f'<p class="cb-entry__meta">{html_text(meta)}</p>'
        f'<ul class="cb-lessons__list" aria-label="{html_attr("Lessons from " + one_line(case.title))}">{lessons}</ul>'
        "</li>"
    )
