"""The site the links of bodies are checked against (``site/sitelinks.py``): its files, drafts and pages, found only
when a link needs them, in time linear in the number of links. No build here: ``tests/cli/test_one_rule.py``
compares the command with the strict build.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from casebook.catalogue import Catalogue, Settings, load_catalogue
from casebook.site.sitelinks import SiteLinks, check_links, docs_sources
from support import FIXTURES, casebook, make_site

CASE = "no-coordination-minister.md"
BASE = (FIXTURES / "site" / "cases" / CASE).read_text(encoding="utf-8")


def with_text(site: Path, text: str, name: str = CASE) -> Path:
    (site / "cases" / name).write_text(BASE + text, encoding="utf-8")
    return site


def codes(site: Path, *paths: str) -> list[str]:
    result = casebook("validate", *paths, cwd=site)
    return [line.split(": ")[1].split()[0] for line in result.stdout.splitlines() if line.startswith("cases/")]


def test_one_named_file_is_checked_against_the_whole_site(tmp_path: Path) -> None:
    site = with_text(make_site(tmp_path / "s"), "\n[a](gt-draft-case.md) [b](../countries/mx.md) [c](nope.md)\n")
    # MX's page exists because of another case; the draft is known as a draft though it was not named.
    assert codes(site, f"cases/{CASE}") == ["W205", "W206"]
    assert codes(site) == ["W205", "W206"]


def catalogue_of(site: Path) -> Catalogue:
    return load_catalogue(Settings.of_project(site))


def refuse(*args: object, **kwargs: object) -> Catalogue:
    raise AssertionError("more of the site was made than the links need")


def test_links_to_pages_and_headings_need_no_assembly_and_no_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = with_text(make_site(tmp_path / "s"), "\n## Limits\n\n[a](mx-social-programme.md) [b](#limits) "
                                                "[c](../countries/no.md) [d](../mechanisms/one-stop-shop.md)\n")
    catalogue = catalogue_of(site)
    monkeypatch.setattr(SiteLinks, "_assemble", refuse)
    assert check_links(catalogue) == []
    assert catalogue.links[f"cases/{CASE}"].unparsed is not None  # listed, never parsed
    # Given one file that links to its own headings only, the other files are not read.
    with_text(site, "\n## Limits\n\n[b](#limits)\n")
    named = load_catalogue(Settings.of_project(site), [site / "cases" / CASE])
    assert check_links(named, whole=refuse) == []


def test_a_broken_link_in_code_is_no_link(tmp_path: Path) -> None:
    # Listed without a parse, the candidate in code is broken: the parse then shows that it is no link.
    site = with_text(make_site(tmp_path / "s"), "\n`[a](nope.md)` and\n\n```\n[b](#nope)\n```\n")
    catalogue = catalogue_of(site)
    assert check_links(catalogue) == []
    assert catalogue.links[f"cases/{CASE}"].unparsed is None


def test_the_docs_folder_is_listed_as_mkdocs_lists_it(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "a" / ".hidden").mkdir(parents=True)
    for name in ("index.md", "README.md", "a/README.md", "a/.hidden/x.png", ".dot.md", "templates.md"):
        (docs / name).write_text("x", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("x", encoding="utf-8")
    os.symlink(outside, docs / "linked")
    os.symlink(outside / "secret.md", docs / "secret.md")
    assert docs_sources(tmp_path, "docs") == {"index.md", "a/README.md", "a/.hidden/x.png", ".dot.md", "templates.md"}


def cpu_seconds(site: Path) -> float:
    best = float("inf")
    for _ in range(2):
        start = time.process_time()
        catalogue = catalogue_of(site)
        found = check_links(catalogue)
        best = min(best, time.process_time() - start)
        assert found
    return best


@pytest.mark.parametrize("unit", [
    "[a](nope{i}.md) ", "[a](#nope{i}) ", "[a](mx-social-programme.md#x{i}) ", "\n## H{i}\n\n[a](#h{i}) [b](#k)",
    "[a](x{i}\\_y.md) ", "[a][r{i}]\n\n[r{i}]: n{i}.md\n\n",
])
def test_time_per_link_stays_flat_as_bodies_grow(tmp_path: Path, unit: str) -> None:
    small, large = 400, 3200

    def site_of(count: int) -> Path:
        text = "".join(unit.format(i=i) for i in range(count))
        return with_text(make_site(tmp_path / str(count)), "\n" + text + "\n")

    per_small = cpu_seconds(site_of(small)) / small
    per_large = cpu_seconds(site_of(large)) / large
    # Linear: the same per link. Quadratic: eight times as much at eight times the links.
    assert per_large <= 2.5 * per_small + 20e-6, (unit, per_small * 1e6, per_large * 1e6)
