"""The comparison view (``/compare/``): the page, and the JSON its script lays out side by side.

``/compare/?cases=a,b[,c,d]`` shows two to four published cases in columns, one row per aspect
(:data:`ASPECTS`). The page itself is a mount point for ``assets/compare.js``, with an explanation and a link to
every case for a reader without JavaScript; the script reads the list of cases, ``compare/cases.json``, and the
values of each chosen case, ``compare/cases/<slug>.json``, written here.

Each value in a case's file is ``{"text": ...}`` plus, where it has them, an ``id`` (two cases share a value when
they give the same id; values without one, such as a lesson or a period, are never marked shared), an
``href`` (relative to the site root) and a ``note``. Everything is plain text: the script writes it with
``textContent`` and the file goes through :func:`casebook.core.escape.json_in_html`, so a title with markup
stays text wherever the file is read. Drafts are never in it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from casebook.catalogue import Catalogue
from casebook.citations.inline import BIBLIOGRAPHY_PAGE
from casebook.core.blockstash import identity
from casebook.core.escape import html_attr, html_text, json_in_html
from casebook.core.links import page_url, relative_link
from casebook.core.model import Case
from casebook.core.taxonomy import Taxonomy, country_name, term_label
from casebook.core.validate import word_count
from casebook.site.explore import TYPE_LABELS, draft_mark
from casebook.site.urls import COMPARE, case_src, country_src, mechanism_src, policy_area_src

COMPARE_PAGE = COMPARE
#: The list of cases to choose from, beside the page (each case's values are in :func:`details_uri`).
DATA_URI = "compare/cases.json"
#: How many cases the view puts side by side at most (and it needs two).
MAX_CASES = 4

#: Row key and label, in the order of the rows.
ASPECTS: tuple[tuple[str, str], ...] = (
    ("countries", "Countries"),
    ("period", "Period"),
    ("policy_areas", "Policy areas"),
    ("mechanisms", "Mechanisms"),
    ("direction", "Direction of coordination"),
    ("modes", "Modes of coordination"),
    ("levels", "Levels of government"),
    ("organisations", "Organisations"),
    ("lessons", "Lessons"),
    ("type", "Type and length"),
    ("sources", "Sources"),
)


def compare_href(slug: str, link: Callable[[str], str]) -> str:
    """A link to ``/compare/`` with ``slug`` chosen; ``link`` maps a source path to a link from the page it is on."""
    return link(COMPARE_PAGE) + "?cases=" + quote(slug, safe="")


def _value(text: str, *, id: str | None = None, href: str | None = None, note: str | None = None) -> dict[str, str]:
    value = {"text": text}
    if id is not None:
        value["id"] = id
    if href is not None:
        value["href"] = href
    if note:
        value["note"] = note
    return value


def _organisation(org: dict[str, str], countries: list[str]) -> dict[str, str]:
    """One organisation; its id is its name within the case's countries, so that two countries' "Ministry of
    Health" are not one organisation shared by both cases."""
    name = org["name"] + (f" ({org['acronym']})" if org.get("acronym") else "")
    folded = " ".join(org["name"].casefold().split())
    return _value(name, id=f"{'+'.join(sorted(countries))}:{folded}", note=org.get("role"))


def case_values(
    case: Case, taxonomy: Taxonomy, sources: list[tuple[str, str]], *, directory_urls: bool = True,
    bibliography: bool = False,
) -> dict[str, list[dict[str, str]]]:
    """The values of each aspect of ``case``; ``sources`` are its cited works as (key, author-year label)."""

    def url(src: str) -> str:
        return page_url(src, directory_urls=directory_urls)

    coordination = case.coordination
    words = word_count(case.body)
    bib_url = url(BIBLIOGRAPHY_PAGE)
    return {
        "countries": [_value(country_name(c), id=c, href=url(country_src(c))) for c in case.countries],
        "period": [_value(case.period_label)],
        "policy_areas": [
            _value(term_label(taxonomy.policy_areas, p), id=p, href=url(policy_area_src(p))) for p in case.policy_areas
        ],
        "mechanisms": [
            _value(term_label(taxonomy.mechanisms, m), id=m, href=url(mechanism_src(m))) for m in case.mechanisms
        ],
        "direction": [_value(v.capitalize(), id=v) for v in coordination.get("direction") or []],
        "modes": [_value(v.capitalize(), id=v) for v in coordination.get("modes") or []],
        "levels": [_value(v.capitalize(), id=v) for v in coordination.get("levels") or []],
        "organisations": [_organisation(org, case.countries) for org in case.organisations],
        "lessons": [_value(lesson) for lesson in case.meta.get("lessons") or []],
        "type": [_value(TYPE_LABELS.get(case.type, case.type), id=case.type),
                 _value(f"{words:,} word" + ("" if words == 1 else "s"))],
        "sources": [
            _value(label, id=key, href=f"{bib_url}#{key}" if bibliography else None) for key, label in sources
        ],
    }


def cited_sources(catalogue: Catalogue, case: Case) -> list[tuple[str, str]]:
    """The works ``case`` cites (inline or in ``references``), as on its page: (key, label), in the list's order."""
    bib = catalogue.bibliography
    if bib is None:
        return []
    formatted = bib.formatted()
    keys = {c.key for c in catalogue.citations.get(case.path, [])} & formatted.keys()
    return [(key, formatted[key].label) for key in sorted(keys, key=lambda k: formatted[k].sort_key)]


def compared(catalogue: Catalogue, include_drafts: bool) -> list[Case]:
    """The cases the view offers: the published ones, and in a preview (``mkdocs serve``) the drafts too."""
    return list(catalogue.cases if include_drafts else catalogue.published)


def compare_data(catalogue: Catalogue, *, directory_urls: bool = True, include_drafts: bool = False) -> dict[str, Any]:
    """The aspects, and one short record per published case (by title): what the list to choose from shows and
    searches. The values of each case are in its own file (:func:`case_details`). In a preview drafts are records
    too, marked ``"draft": true`` as in the explorer's data."""
    taxonomy = catalogue.taxonomy
    cases = sorted(compared(catalogue, include_drafts), key=lambda c: (c.title.casefold(), c.slug))
    records = [
        {
            "slug": case.slug,
            "title": case.title,
            "url": page_url(case_src(case.slug), directory_urls=directory_urls),
            "countries": [country_name(c) for c in case.countries],
            "period": case.period_label,
            "terms": [term_label(taxonomy.mechanisms, m) for m in case.mechanisms]
            + [term_label(taxonomy.policy_areas, p) for p in case.policy_areas],
            **draft_mark(case),
        }
        for case in cases
    ]
    return {
        "aspects": [{"key": key, "label": label} for key, label in ASPECTS],
        "max": MAX_CASES,
        "cases": records,
    }


def details_uri(slug: str) -> str:
    """Where the values of one case are, relative to the site root (the script asks for the chosen cases only)."""
    return f"compare/cases/{slug}.json"


def case_details(catalogue: Catalogue, case: Case, *, directory_urls: bool = True) -> dict[str, Any]:
    """One case's values, by aspect."""
    return {
        "slug": case.slug,
        "values": case_values(case, catalogue.taxonomy, cited_sources(catalogue, case), directory_urls=directory_urls,
                              bibliography=catalogue.bibliography is not None),
    }


def _dumps(value: Any) -> str:
    return json_in_html(json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))) + "\n"


def compare_files(catalogue: Catalogue, *, directory_urls: bool = True, include_drafts: bool = False) -> dict[str, str]:
    """The comparison's data files by path: the list of cases, and each published case's values (and each
    draft's, in a preview).

    At a thousand cases the list stays small enough to load with the page; the values (lessons, organisations
    and sources make most of them) come only for the cases a reader puts side by side.
    """
    files = {DATA_URI: _dumps(compare_data(catalogue, directory_urls=directory_urls, include_drafts=include_drafts))}
    for case in sorted(compared(catalogue, include_drafts), key=lambda c: c.slug):
        files[details_uri(case.slug)] = _dumps(case_details(catalogue, case, directory_urls=directory_urls))
    return files


def compare_page(cases: Iterable[Case], *, directory_urls: bool = True, block: Callable[[str], str] = identity) -> str:
    """The Markdown of ``/compare/``: a mount point the script fills; without JavaScript, a list of the published
    ``cases``."""

    def link(src: str) -> str:
        return relative_link(COMPARE_PAGE, src, directory_urls=directory_urls)

    published = sorted((c for c in cases if not c.is_draft), key=lambda c: (c.title.casefold(), c.slug))
    items = "".join(
        f'<li><a href="{html_attr(link(case_src(c.slug)))}">{html_text(c.title)}</a></li>\n' for c in published
    )
    listing = f"<ul>\n{items}</ul>\n" if items else "<p>No case is published yet.</p>\n"
    mount = (
        '<div id="cb-compare" class="cb-compare" data-src="cases.json">\n'
        "<noscript>\n"
        "<p>Putting cases side by side needs JavaScript, which is off or unavailable in this browser. "
        "Each case page has the same facts in its header: open two of them in separate windows, or download "
        f'the <a href="{html_attr(link("data/index.md"))}">data</a> to compare them in a spreadsheet. '
        "The cases:</p>\n"
        f"{listing}"
        "</noscript>\n"
        "</div>\n"
    )
    return (
        "# Compare cases\n\n"
        "Put two to four cases side by side, one column each, with one row per aspect: countries, "
        "period, policy areas, mechanisms, coordination, organisations, lessons, type and length, sources. "
        "A value that more than one of the cases has is marked as shared. Choose the cases below, from the "
        "explorer, or with \u201cCompare with\u2026\u201d on a case page; the address keeps your choice, "
        "so you can bookmark or share it.\n\n"
        + block(mount)
        + '\n<script src="../assets/casebook/dom.js" defer></script>\n'
        + '<script src="../assets/casebook/compare.js" defer></script>\n'
    )
