"""Drafts in the preview (``mkdocs serve``): on every page a published case would be on, marked, with counts that
agree; and in no build. Pure assembly here; ``tests/whole_site/test_preview.py`` runs the real ``mkdocs serve``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from casebook.catalogue import Catalogue, Settings, load_catalogue
from casebook.site.assembly import Assembly, SiteOptions, assemble
from casebook.site.explore import explorer_data
from casebook.site.extras import world_map
from casebook.site.worldmap import map_block
from support import make_site
from support.content import synthetic

#: A second draft, in a country that has a published case too (Norway), citing the bibliography.
NO_DRAFT = synthetic("Draft in a country with a published case", ["NO"], ["task-force"], ["health"], 2011)
NO_DRAFT = NO_DRAFT.replace('status: "published"', 'status: "draft"').replace(
    "Synthetic fixture text for tests only.", "Synthetic fixture text citing [@key2020].")


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    site = make_site(tmp_path_factory.mktemp("preview") / "site", {"no-draft-two.md": NO_DRAFT})
    (site / "bibliography.bib").write_text("@book{key2020, title={A Book}, author={Doe, Jane}, year={2020}}\n")
    found = load_catalogue(Settings(root=site))
    assert not found.errors, found.errors
    assert sorted(c.slug for c in found.cases if c.is_draft) == ["gt-draft-case", "no-draft-two"]
    return found


def assembled(catalogue: Catalogue, *, preview: bool) -> Assembly:
    return assemble(catalogue, SiteOptions(site_name="Fixture", include_drafts=preview), lambda src: False)


def page(assembly: Assembly, src_uri: str) -> str:
    return assembly.finish(src_uri, next(p.markdown for p in assembly.pages if p.src_uri == src_uri))


def test_the_explorer_of_a_preview_holds_the_drafts_marked(catalogue: Catalogue) -> None:
    preview = json.loads(assembled(catalogue, preview=True).files["explore/cases.json"])
    records = {r["slug"]: r for r in preview["cases"]}
    assert set(records) == {c.slug for c in catalogue.cases}
    assert records["gt-draft-case"]["draft"] is True and records["no-draft-two"]["draft"] is True
    assert "draft" not in records["mx-social-programme"]
    # The drafts' facet values are values to tick: Guatemala, which only a draft has, and the draft's mechanism.
    facets = {f["key"]: {v["id"] for v in f["values"]} for f in preview["facets"]}
    assert "GT" in facets["country"] and "task-force" in facets["mechanism"]


def test_a_build_has_no_draft_anywhere(catalogue: Catalogue) -> None:
    built = assembled(catalogue, preview=False)
    data = json.loads(built.files["explore/cases.json"])
    assert {r["slug"] for r in data["cases"]} == {c.slug for c in catalogue.published}
    assert not any("draft" in r for r in data["cases"])
    text = "\n".join([p.markdown for p in built.pages] + list(built.files.values()))
    text += page(built, "countries/index.md")
    for marker in ("gt-draft-case", "no-draft-two", "Draft fixture case", "DRAFT", "(draft)", "Guatemala"):
        assert marker not in text, marker
    # The explorer's data of a build is what it was before drafts could be records: nothing is added to it.
    assert json.loads(built.files["explore/cases.json"]) == explorer_data(catalogue.cases, catalogue.taxonomy)


def numbers(text: str, pattern: str) -> int:
    found = re.search(pattern, text)
    assert found, (pattern, text[:500])
    return int(found.group(1))


def test_counts_agree_between_home_cases_countries_map_and_explorer(catalogue: Catalogue) -> None:
    for preview in (True, False):
        done = assembled(catalogue, preview=preview)
        expected = catalogue.cases if preview else catalogue.published
        cases = len(expected)
        countries = len({code for c in expected for code in c.countries})
        assert numbers(done.home, r"(\d+) cases? from") == cases
        assert numbers(done.home, r"from (\d+) countr") == countries
        assert numbers(page(done, "cases/index.md"), r"Every case in the catalogue: (\d+) case") == cases
        index = page(done, "countries/index.md")
        assert numbers(index, r"(\d+) countr\w+ with at least one case") == countries
        table = index[index.index('<table class="cb-map-table">'):]
        assert table.count("<tr><td>") == countries
        assert sum(int(n) for n in re.findall(r"</a></td><td>(\d+)", table)) == sum(len(c.countries) for c in expected)
        assert len(json.loads(done.files["explore/cases.json"])["cases"]) == cases


def test_the_map_of_a_preview_shows_and_marks_the_drafts(catalogue: Catalogue) -> None:
    block = world_map(catalogue, lambda code: f"{code.lower()}/", include_drafts=True)
    assert 'class="cb-map__draft" aria-label="Guatemala: 1 case (1 draft)"' in block
    assert 'class="cb-map__draft" aria-label="Norway: 2 cases (1 draft)"' in block
    assert 'aria-label="Mexico: 1 case"' in block and "drafts included" in block
    assert '<td>2 <span class="cb-badge">1 DRAFT</span></td>' in block
    published = world_map(catalogue, lambda code: f"{code.lower()}/")
    assert "Guatemala" not in published and "draft" not in published.lower()
    assert 'aria-label="Norway: 1 case"' in published and "number of published cases" in published
    # Without drafts the map is exactly what it was.
    assert map_block({"MX": 1}, lambda c: c) == map_block({"MX": 1}, lambda c: c, drafts={})


def test_every_listing_of_a_preview_marks_the_drafts(catalogue: Catalogue) -> None:
    done = assembled(catalogue, preview=True)
    for src in ("cases/index.md", "countries/gt.md", "countries/no.md", "mechanisms/task-force.md", "matrix.md"):
        text = page(done, src)
        for title in ("Draft in a country with a published case", "Draft fixture case"):
            if title not in text:
                continue
            after = text[text.rindex(title):][:200]  # the matrix: its key, after the table
            assert "DRAFT" in after, (src, title, after)
    assert 'aria-label="Draft fixture case (draft)"' in page(done, "matrix.md")
    assert "DRAFT" in done.home
    bibliography = page(done, "bibliography.md")
    assert "Draft in a country with a published case (draft)" in bibliography


def test_a_draft_brief_of_a_preview_marks_the_draft_cases_it_draws_on(tmp_path: Path) -> None:
    from casebook.core.model import Brief
    from casebook.site.briefpages import brief_cases

    site = make_site(tmp_path / "site")
    found = load_catalogue(Settings(root=site))
    cases = {c.slug: c for c in found.cases}
    brief = Brief(slug="b", path="briefs/b.md", meta={"cases": ["gt-draft-case", "mx-social-programme"]}, body="")
    lines = [line for line in brief_cases(brief, cases).splitlines() if line.startswith("- ")]
    assert lines[0].startswith("- [Draft fixture case](../cases/gt-draft-case.md) (draft)")
    assert "(draft)" not in lines[1]
