"""The header card of a case page: the organisations line (names, acronyms, roles), escaped, and what of the card
search indexes."""

from __future__ import annotations

import csv
import io

import pytest

from casebook.catalogue import Settings, load_catalogue
from casebook.core.model import Case, organisation_name
from casebook.core.taxonomy import Taxonomy
from casebook.core.validate import published_schema
from casebook.site.casecard import case_header
from casebook.site.datafiles import cases_csv
from casebook.site.searchmarkup import indexed_text
from support import make_site

NEWCOMER = """---
title: "Welfare one-stop offices"
summary: "Synthetic fixture: Norway's welfare reform as a newcomer wrote it."
type: "profile"
status: "published"
countries: ["NO"]
policy_areas: ["employment-services"]
mechanisms: ["one-stop-shop"]
period:
  start: 2006
organisations:
  - name: "Aetat"
    acronym: "Aetat"
    role: "National Employment Service; merged into NAV in 2006"
  - name: "Arbeids- og velferdsforvaltningen"
    acronym: "NAV"
    role: "The merged agency <script>alert(1)</script> & its offices"
  - name: "Trygdeetaten"
  - name: "<b>Kommunene</b>"
    acronym: "KS"
authors: ["Test Author"]
---

Synthetic fixture text for tests only.
"""


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Case, Taxonomy]:
    site = make_site(tmp_path_factory.mktemp("card") / "site", {"no-newcomer.md": NEWCOMER})
    catalogue = load_catalogue(Settings(root=site))
    assert not catalogue.errors, catalogue.errors
    return next(c for c in catalogue.cases if c.slug == "no-newcomer"), catalogue.taxonomy


def organisations(card: str) -> str:
    return card[card.index(">Organisations</dt>"):].split("</dd>", 1)[0]


def test_an_acronym_that_is_the_name_is_not_repeated(loaded: tuple[Case, Taxonomy]) -> None:
    case, taxonomy = loaded
    line = organisations(case_header(case, taxonomy))
    assert "Aetat (Aetat)" not in line and '<span class="cb-org__name">Aetat</span>' in line
    assert '<span class="cb-org__name">Arbeids- og velferdsforvaltningen (NAV)</span>' in line
    assert '<span class="cb-org__name">Trygdeetaten</span></li>' in line  # no acronym, no role: the name alone
    # Compared without regard to case or surrounding spaces.
    assert organisation_name({"name": "Kommunene", "acronym": " kommunene "}) == "Kommunene"
    assert organisation_name({"name": "Aetat", "acronym": "AETAT"}) == "Aetat"
    assert organisation_name({"name": "Aetat", "acronym": "AE"}) == "Aetat (AE)"


def test_each_organisation_shows_its_role_escaped(loaded: tuple[Case, Taxonomy]) -> None:
    case, taxonomy = loaded
    line = organisations(case_header(case, taxonomy))
    assert line.count("<li>") == 4 and '<ul class="cb-orgs">' in line
    assert ('<span class="cb-org__role">: National Employment Service; merged into NAV in 2006</span>' in line)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; its offices" in line and "<script>" not in line
    assert "&lt;b&gt;Kommunene&lt;/b&gt; (KS)" in line and "<b>" not in line


def test_the_csv_writes_an_organisation_as_the_card_does(loaded: tuple[Case, Taxonomy]) -> None:
    case, taxonomy = loaded
    rows = list(csv.DictReader(io.StringIO(cases_csv([case], published_schema(taxonomy)))))
    assert rows[0]["organisations"].split("; ")[:3] == ["Aetat", "Arbeids- og velferdsforvaltningen (NAV)",
                                                       "Trygdeetaten"]


def test_search_indexes_only_the_organisations_of_the_card(loaded: tuple[Case, Taxonomy]) -> None:
    case, taxonomy = loaded
    card = case_header(case, taxonomy)
    dl = card[card.index("<dl"):card.index("</dl>") + 5]
    text = indexed_text(dl)
    assert " ".join(text.split()) == (
        "Aetat : National Employment Service; merged into NAV in 2006 Arbeids- og velferdsforvaltningen (NAV) : The "
        "merged agency <script>alert(1)</script> & its offices Trygdeetaten <b>Kommunene</b> (KS)"
    )
    # Each organisation is its own list item, which Pagefind ends as it ends a paragraph (test_search_spelling.py).
    assert dl.count("<li>") == 4
    for left_out in ("Countries", "Norway", "Policy areas", "Mechanisms", "Period", "2006–", "Authors", "Test Author",
                     "Type", "profile", "COCOPS criteria", "Organisations", "Compare with"):
        assert left_out not in text, left_out
    assert "Compare with" not in indexed_text(card) and "Welfare one-stop offices" in indexed_text(card)
    assert card.count("<dt data-pagefind-ignore>") == card.count("<dt")  # every label
