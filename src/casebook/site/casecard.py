"""Markdown for generated pages. Every value from front-matter is escaped for where it lands."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from casebook.core.blockstash import identity
from casebook.core.eligibility import badges
from casebook.core.escape import html_attr, html_text
from casebook.core.model import Case, organisation_name
from casebook.core.taxonomy import Taxonomy, country_name, term_label
from casebook.site.compare import compare_href
from casebook.site.searchmarkup import SEARCH_IGNORE
from casebook.site.urls import case_src, country_src, mechanism_src, page_url, policy_area_src, relative_url

#: Turns the source path of a page into a link from the page being written.
Linker = Callable[[str], str]


def _direct_linker(from_src: str) -> Linker:
    return lambda to_src: relative_url(page_url(from_src), page_url(to_src))


def case_header(case: Case, taxonomy: Taxonomy, *, link: Linker | None = None) -> str:
    """The header card of a case page, as an HTML block; each facet value links to its index page.

    Search leaves the card out (:data:`SEARCH_IGNORE`): its values are the page's metadata and filters, and its
    labels would run into them ("Directionhorizontal"). Only the organisations are indexed, one name a line.
    """
    link = link or _direct_linker(case_src(case.slug))

    def facet(label: str, items: Sequence[tuple[str, str | None]]) -> str:
        links = ", ".join(
            f'<a href="{html_attr(href)}">{html_text(name)}</a>' if href else html_text(name) for name, href in items
        )
        return f"<dt {SEARCH_IGNORE}>{html_text(label)}</dt><dd {SEARCH_IGNORE}>{links}</dd>"

    rows = [
        facet("Countries", [(country_name(c), link(country_src(c))) for c in case.countries]),
        facet(
            "Policy areas",
            [(term_label(taxonomy.policy_areas, p), link(policy_area_src(p))) for p in case.policy_areas],
        ),
        facet("Mechanisms", [(term_label(taxonomy.mechanisms, m), link(mechanism_src(m))) for m in case.mechanisms]),
    ]
    for key, label in (("direction", "Direction"), ("modes", "Modes"), ("levels", "Levels")):
        values = case.coordination.get(key) or []
        if values:
            rows.append(facet(label, [(v, None) for v in values]))
    rows.append(facet("Period", [(case.period_label, None)]))
    if case.organisations:
        rows.append(organisations_row(case))
    rows.append(facet("Authors", [(a, None) for a in case.authors]))
    if case.updated:
        rows.append(facet("Updated", [(case.updated, None)]))
    rows.append(facet("Type", [(case.type, None)]))
    rows.append(badge_row(case, taxonomy))
    draft = '<p class="cb-draft">DRAFT: not published</p>\n' if case.is_draft else ""
    # A draft's page exists only in a preview, whose comparison view offers drafts too.
    compare = (f'<p class="cb-case-compare" {SEARCH_IGNORE}>'
               f'<a href="{html_attr(compare_href(case.slug, link))}">Compare with…</a></p>\n')
    return (
        f'<h1 id="case-title">{html_text(case.title)}</h1>\n{draft}'
        f'<p class="cb-summary">{html_text(case.summary)}</p>\n'
        f'<dl class="cb-card">{"".join(rows)}</dl>\n{compare}'
    )


def organisations_row(case: Case) -> str:
    """The organisations, one a line: ``name (acronym)`` and, when the case gives it, its role.

    The names are indexed for search (often the only place a case names them in their own language); each line is a
    list item, so the names stay separate words.
    """
    items = []
    for org in case.organisations:
        role = (org.get("role") or "").strip()
        role_html = f'<span class="cb-org__role">: {html_text(role)}</span>' if role else ""
        items.append(f'<li><span class="cb-org__name">{html_text(organisation_name(org))}</span>{role_html}</li>')
    return f'<dt {SEARCH_IGNORE}>Organisations</dt><dd><ul class="cb-orgs">{"".join(items)}</ul></dd>'


def badge_row(case: Case, taxonomy: Taxonomy) -> str:
    """The work plan's criteria the case meets, as badges (descriptive only; see eligibility.py)."""
    found = badges(case, taxonomy)
    if not found:
        return ""
    items = "".join(
        f'<li class="cb-criterion cb-criterion--{html_attr(b.id)}" title="{html_attr(b.detail)}">'
        f"{html_text(b.label)}</li>"
        for b in found
    )
    return f'<dt {SEARCH_IGNORE}>COCOPS criteria</dt><dd {SEARCH_IGNORE}><ul class="cb-criteria">{items}</ul></dd>'


def case_markdown(
    case: Case, taxonomy: Taxonomy, *, link: Linker | None = None, related: str = "",
    block: Callable[[str], str] = identity,
) -> str:
    """The Markdown source of a case page: header card, the contributor's body, then ``related`` (Markdown).

    ``block`` turns the header card's HTML into what the Markdown holds (see ``blockstash.py``).
    """
    page = block(case_header(case, taxonomy, link=link)) + "\n" + case.body.strip("\n") + "\n"
    return page + ("\n" + related if related else "")
