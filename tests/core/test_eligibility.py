"""The work plan's criteria as badges: pure rules over a case's front-matter."""

from __future__ import annotations

from typing import Any

import pytest

from casebook.core.eligibility import badges
from casebook.core.model import Case
from casebook.core.taxonomy import country_codes, load_taxonomy
from casebook.site.casecard import case_header
from support import REPO

TAXONOMY, _ = load_taxonomy(REPO / "taxonomy")


def case(**meta: Any) -> Case:
    base: dict[str, Any] = {
        "title": "Synthetic case", "summary": "Synthetic summary for a test case.", "type": "profile",
        "status": "published", "countries": ["MX"], "policy_areas": ["social-policy"],
        "mechanisms": ["task-force"], "period": {"start": 1997}, "authors": ["Test Author"],
    }
    base.update(meta)
    return Case(slug="synthetic", path="cases/synthetic.md", meta=base, body="")


def ids(c: Case) -> list[str]:
    return [b.id for b in badges(c, TAXONOMY)]


def test_a_case_meeting_no_criterion_has_no_badges() -> None:
    assert ids(case()) == []
    assert "COCOPS criteria" not in case_header(case(), TAXONOMY)


def test_policy_area_badge_needs_one_cocops_area() -> None:
    assert ids(case(policy_areas=["social-policy", "health"])) == ["cocops-policy-area"]
    [badge] = badges(case(policy_areas=["central-government", "health"]), TAXONOMY)
    assert badge.detail == "Covers Central government and Health, among the work plan's three policy areas."
    assert ids(case(policy_areas=["education", "public-finance"])) == []


@pytest.mark.parametrize(
    ("countries", "expected"),
    [(["NO"], True), (["GB", "MX"], True), (["MX", "GT"], False), (["CY"], False), (["TR"], False), (["RU"], True)],
)
def test_european_country_badge_follows_m49(countries: list[str], expected: bool) -> None:
    assert ("european-country" in ids(case(countries=countries))) is expected


def test_europe_is_the_m49_region_of_51_countries_and_territories() -> None:
    european = {code for code in country_codes() if "european-country" in ids(case(countries=[code]))}
    assert len(european) == 51
    assert {"AX", "GB", "NO", "RU", "VA"} <= european


@pytest.mark.parametrize(
    ("start", "updated", "expected"),
    [
        (2016, "2026-11-26", True),   # exactly ten years
        (2015, "2026-01-01", False),  # eleven
        (2026, "2026-11-26", True),
        (2027, "2026-11-26", False),  # started after the revision: inconsistent, no badge
        (2020, None, False),          # nothing to count from
    ],
)
def test_recent_badge_counts_from_the_last_revision(start: int, updated: str | None, expected: bool) -> None:
    meta: dict[str, Any] = {"period": {"start": start}}
    if updated is not None:
        meta["updated"] = updated
    assert ("recent" in ids(case(**meta))) is expected


def test_badges_come_in_a_fixed_order_and_render_escaped_in_the_header() -> None:
    c = case(countries=["NO"], policy_areas=["health"], period={"start": 2019}, updated="2024-05-01")
    assert ids(c) == ["cocops-policy-area", "european-country", "recent"]
    html = case_header(c, TAXONOMY)
    assert "<dt data-pagefind-ignore>COCOPS criteria</dt>" in html
    detail = "Started in 2019, within 10 years of the case&#x27;s last revision in 2024."
    assert f'<li class="cb-criterion cb-criterion--recent" title="{detail}">Emerged within 10 years</li>' in html


def test_real_cases_get_the_badges_the_about_page_describes() -> None:
    """Mexico (1997, social programme touching health) and Guatemala (health, source undated)."""
    from casebook.catalogue import Settings, load_catalogue

    catalogue = load_catalogue(Settings(root=REPO))
    by_slug = {c.slug: c for c in catalogue.cases}
    assert ids(by_slug["gt-management-for-results"]) == ["cocops-policy-area"]
    assert "european-country" not in ids(by_slug["mx-oportunidades"])
    assert "recent" not in ids(by_slug["mx-oportunidades"])
