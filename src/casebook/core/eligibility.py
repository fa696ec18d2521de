"""The COCOPS work plan's eligibility criteria, computed from a case's front-matter as descriptive badges.

The work plan (COCOPS WP5, 2012, sec. 2.4) asked for practices from European public administrations, in
central government, health or employment services, that emerged within the last ten years. Casebook
publishes cases that meet none of these; it shows the criteria a case meets as badges, never as filters.
Only criteria that front-matter can decide are computed:

* ``cocops-policy-area``: at least one of the case's policy areas is marked ``cocops: true`` in
  ``taxonomy/policy-areas.yml`` (central government, health, employment services).
* ``european-country``: at least one of the case's countries lies in Europe as the UN M49 standard
  draws it (region 150 in ``data/m49.csv``; Cyprus and Turkey are in Western Asia there, so they do
  not count).
* ``recent``: the practice started (``period.start``) no more than ten years before the year of the
  case's last substantive revision (``updated``). A case without ``updated`` gets no badge, because
  the rule has nothing to count from; the build date is not used, so that a build does not change
  with the day it runs.

The other criteria (innovative, relevant to the state's administration, formal and informal aspects,
a mix of sources) are judgements the front-matter does not record.
"""

from __future__ import annotations

from dataclasses import dataclass

from casebook.core.model import Case
from casebook.core.regions import region_of
from casebook.core.taxonomy import Taxonomy, country_name

#: Years between the start of a practice and the case's revision for it to count as recent.
RECENT_YEARS = 10

#: The UN M49 code of Europe, as in ``data/m49.csv``.
EUROPE = "150"


@dataclass(frozen=True)
class Badge:
    """One criterion a case meets: a stable id, a short label and a sentence saying why."""

    id: str
    label: str
    detail: str


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def policy_area_badge(case: Case, taxonomy: Taxonomy) -> Badge | None:
    areas = [taxonomy.policy_areas[p] for p in case.policy_areas if p in taxonomy.policy_areas]
    matched = [a.label for a in areas if a.cocops]
    if not matched:
        return None
    which = "one of" if len(matched) == 1 else "among"
    detail = f"Covers {_join(matched)}, {which} the work plan's three policy areas."
    return Badge("cocops-policy-area", "COCOPS policy area", detail)


def europe_badge(case: Case) -> Badge | None:
    matched = [country_name(c) for c in case.countries if region_of(c).region_code == EUROPE]
    if not matched:
        return None
    verb = "is" if len(matched) == 1 else "are"
    return Badge("european-country", "European country", f"{_join(matched)} {verb} in Europe.")


def recent_badge(case: Case) -> Badge | None:
    if case.updated is None:
        return None
    revised = int(case.updated[:4])
    if not 0 <= revised - case.start <= RECENT_YEARS:
        return None
    return Badge(
        "recent",
        f"Emerged within {RECENT_YEARS} years",
        f"Started in {case.start}, within {RECENT_YEARS} years of the case's last revision in {revised}.",
    )


def badges(case: Case, taxonomy: Taxonomy) -> list[Badge]:
    """The work plan's criteria that ``case`` meets, in a fixed order."""
    found = [policy_area_badge(case, taxonomy), europe_badge(case), recent_badge(case)]
    return [b for b in found if b is not None]
