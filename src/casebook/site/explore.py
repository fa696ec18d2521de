"""The faceted explorer (``/explore/``): the page and the compact JSON its script filters.

The JSON holds, per published case (and per draft in a preview), only what the explorer shows or filters on:
title, summary, url, period and facet values. Facet values carry their labels (and, for countries, the M49
region) so the script needs nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from casebook.core.escape import json_in_html
from casebook.core.model import Case
from casebook.core.regions import region_of
from casebook.core.taxonomy import Taxonomy, country_name, term_label

#: URL key, label, and how to read a case's values; the order is the page's.
FACETS: tuple[tuple[str, str], ...] = (
    ("country", "Country"),
    ("mechanism", "Mechanism"),
    ("policy", "Policy area"),
    ("direction", "Coordination direction"),
    ("mode", "Coordination mode"),
    ("level", "Level of government"),
    ("type", "Case type"),
)

TYPE_LABELS = {"practice": "Practice", "in-depth": "In-depth study", "profile": "Profile"}

#: Where the data file lives, relative to the site root and to the explorer page.
DATA_URI = "explore/cases.json"


def case_facets(case: Case) -> dict[str, list[str]]:
    coordination = case.coordination
    return {
        "country": sorted(case.countries),
        "mechanism": sorted(case.mechanisms),
        "policy": sorted(case.policy_areas),
        "direction": sorted(coordination.get("direction") or []),
        "mode": sorted(coordination.get("modes") or []),
        "level": sorted(coordination.get("levels") or []),
        "type": [case.type],
    }


def _value_label(facet: str, value: str, taxonomy: Taxonomy) -> str:
    if facet == "country":
        return country_name(value)
    if facet == "mechanism":
        return term_label(taxonomy.mechanisms, value)
    if facet == "policy":
        return term_label(taxonomy.policy_areas, value)
    if facet == "type":
        return TYPE_LABELS.get(value, value)
    return value.capitalize()


def explorer_data(cases: Iterable[Case], taxonomy: Taxonomy, *, include_drafts: bool = False) -> dict[str, Any]:
    """The explorer's data: facets with the values that occur (labelled) and one record per published case.

    With ``include_drafts`` (the preview of ``mkdocs serve``, never a build) drafts are records too, each marked
    ``"draft": true`` (see :func:`draft_mark`), so that the explorer counts what the other pages of the preview count.
    """
    published = sorted((c for c in cases if include_drafts or not c.is_draft), key=lambda c: c.slug)
    records = []
    seen: dict[str, set[str]] = {key: set() for key, _ in FACETS}
    for case in published:
        facets = case_facets(case)
        for key, values in facets.items():
            seen[key].update(values)
        records.append({
            "slug": case.slug,
            "title": case.title,
            "summary": case.summary,
            "lede": case.lede,
            "url": case.url,
            "start": case.start,
            "end": case.end,
            "facets": {k: v for k, v in facets.items() if v},
            **draft_mark(case),
        })
    facets_out: list[dict[str, Any]] = []
    for key, label in FACETS:
        terms: list[dict[str, str]] = [{"id": v, "label": _value_label(key, v, taxonomy)} for v in seen[key]]
        if key == "country":
            for term in terms:
                term["group"] = region_of(term["id"]).region
            terms.sort(key=lambda v: (v["group"] == "Other", v["group"], v["label"].casefold(), v["id"]))
        else:
            terms.sort(key=lambda v: (v["label"].casefold(), v["id"]))
        facets_out.append({"key": key, "label": label, "values": terms})
    years = [c.start for c in published] + [c.end for c in published if c.end is not None]
    return {
        "facets": facets_out,
        "years": [min(years), max(years)] if years else [],
        "cases": records,
    }


def draft_mark(case: Case) -> dict[str, bool]:
    """What a draft's record adds (``explore.js`` marks it "Draft"); nothing for a published case, so a build's data
    is as it was before drafts could be records."""
    return {"draft": True} if case.is_draft else {}


def explorer_json(cases: Iterable[Case], taxonomy: Taxonomy, *, include_drafts: bool = False) -> str:
    data = explorer_data(cases, taxonomy, include_drafts=include_drafts)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return json_in_html(text) + "\n"


def explorer_page() -> str:
    """The Markdown of ``/explore/``: a mount point the script fills, with a fallback without JavaScript."""
    return (
        "# Explore the cases\n\n"
        "Filter the catalogue by country, mechanism, policy area, coordination and period. "
        "Values ticked within one group widen the selection (any of them); groups narrow it (all of them). "
        "The address bar keeps your selection, so you can bookmark or share it.\n\n"
        '<div id="cb-explore" class="cb-explore" data-src="cases.json">\n'
        '<noscript><p>The explorer needs JavaScript. Browse the <a href="../countries/">countries</a>, '
        '<a href="../mechanisms/">mechanisms</a> and <a href="../policy-areas/">policy areas</a>, '
        'or download the <a href="../data/">data</a>.</p></noscript>\n'
        "</div>\n"
        # Ticking cases to compare, and "Cite this selection" (assets/explore-select.js, site/selection.py).
        '<div id="cb-explore-select" class="cb-exsel" data-compare="../compare/" data-cite="cite.json" hidden></div>\n'
        '<script src="../assets/casebook/dom.js" defer></script>\n'
        '<script src="../assets/casebook/explore.js" defer></script>\n'
        '<script src="../assets/casebook/explore-select.js" defer></script>\n'
    )
