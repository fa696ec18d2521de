"""One rule for the pull request's two checks: ``casebook validate`` fails exactly when ``mkdocs build --strict`` does.

Errors fail both. A warning fails both in a published case or brief, or in the bibliography; a draft may keep
warnings, in both (a build leaves drafts out). Each warning the build fails on is checked by itself, with the
workflow's own commands.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support import FIXTURES, build, casebook, make_site

pytestmark = pytest.mark.build

CASE = "no-coordination-minister.md"
BASE = (FIXTURES / "site" / "cases" / CASE).read_text(encoding="utf-8")

#: A published case's text changed to give exactly one kind of warning.
WARNINGS = {
    "W202": BASE + "\nTODO: a placeholder left to fill in.\n",
    "W201": BASE.split("\n---\n", 1)[0] + "\n---\n\nA synthetic profile far shorter than three hundred words.\n",
    "W203": BASE + '\nSynthetic text with <span title="x">raw HTML</span> in it.\n',
    "W204": BASE + "\n![A synthetic image](https://example.org/image.png)\n",
}


def build_warnings(output: str) -> list[str]:
    """The problems ``mkdocs build`` logged as warnings, as ``casebook validate`` prints them."""
    return [m[1] for m in re.finditer(r"^WARNING +- +(.*)$", output, re.M) if re.match(r"\S+:\d+: W\d{3} ", m[1])]


def both_checks(site: Path) -> tuple[int, str, int, str]:
    """The workflow's validation (its text twin, for the lines) and strict build: exit codes and output."""
    github = casebook("validate", "--format", "github", cwd=site)
    text = casebook("validate", cwd=site)
    assert text.returncode == github.returncode
    built = build(site)
    return text.returncode, text.stdout + github.stdout, built.returncode, built.stdout + built.stderr


@pytest.mark.parametrize("code", sorted(WARNINGS))
def test_a_warning_in_a_published_case_fails_both_checks(tmp_path: Path, code: str) -> None:
    site = make_site(tmp_path / "s", {CASE: WARNINGS[code]})
    validated, report, built, log = both_checks(site)
    assert validated == 1 and built == 1, (report, log)
    printed = [line for line in report.splitlines() if line.startswith(f"cases/{CASE}:")]
    assert printed and all(f" {code} warning: " in line for line in printed)
    assert build_warnings(log) == printed  # the same problems, word for word
    # The pull request's annotation is an error, since it fails the check, and says why.
    annotations = [line for line in report.splitlines() if line.startswith("::")]
    assert annotations and all(line.startswith(f"::error file=cases/{CASE},") for line in annotations)
    assert all(line.endswith("(a warning outside a draft: the site's strict build fails on it)")
               for line in annotations)


def test_a_draft_keeps_its_warnings_in_both_checks(tmp_path: Path) -> None:
    text = "".join(WARNINGS[code].split("\n---\n", 1)[1] for code in ("W202", "W203", "W204"))
    draft = BASE.split("\n---\n", 1)[0].replace('status: "published"', 'status: "draft"') + "\n---\n" + text
    assert 'status: "draft"' in draft
    site = make_site(tmp_path / "s", {CASE: draft})
    validated, report, built, log = both_checks(site)
    assert validated == 0 and built == 0, (report, log)
    assert {"W202", "W203", "W204"} <= set(re.findall(r" (W\d{3}) warning: ", report))
    assert all(line.startswith("::warning ") for line in report.splitlines() if line.startswith("::"))
    assert build_warnings(log) == []
    assert re.search(r"INFO +- +\d+ warning\(s\) in draft cases or briefs, which a build leaves out", log)
    # --strict still holds a draft to every warning.
    assert casebook("validate", "--strict", cwd=site).returncode == 1


def site_with_bibliography(tmp_path: Path, entry: str) -> Path:
    """The fixture site with one synthetic bibliography entry (a book by Jane Doe, 2020) whose fields start so."""
    site = make_site(tmp_path / "s")
    (site / "bibliography.bib").write_text(f"{entry}  author = {{Doe, Jane}},\n  year = {{2020}}\n}}\n",
                                           encoding="utf-8")
    return site


def test_a_warning_in_the_bibliography_fails_both_checks(tmp_path: Path) -> None:
    site = site_with_bibliography(tmp_path, "@book{doe2020,\n  title = {A Synthetic Book},\n  title = {Twice},\n")
    validated, report, built, log = both_checks(site)
    assert validated == 1 and built == 1, (report, log)
    assert "bibliography.bib:1: W303 warning: entry with key doe2020 has a duplicate title field" in report
    assert any(line.startswith("bibliography.bib:1: W303 ") for line in build_warnings(log))


# --- The plugin's options in mkdocs.yml hold for the command too ----------------------------------------

def with_plugin_options(site: Path, options: str) -> None:
    config = (site / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - casebook\n" in config
    (site / "mkdocs.yml").write_text(config.replace("  - casebook\n", "  - casebook:\n" + options), encoding="utf-8")


def test_uncited_warn_makes_an_entry_nothing_cites_fail_both_checks(tmp_path: Path) -> None:
    site = site_with_bibliography(tmp_path, "% Synthetic.\n@book{nobody2020,\n  title = {Nobody Cites This},\n")
    validated, report, built, log = both_checks(site)
    assert validated == 0 and built == 0, (report, log)  # by default an uncited entry is information
    assert "nobody2020" not in report
    with_plugin_options(site, "      uncited: warn\n")
    validated, report, built, log = both_checks(site)
    assert validated == 1 and built == 1, (report, log)
    line = "bibliography.bib:2: W301 warning: entry 'nobody2020' is not cited by any case, brief or page"
    assert line in report and line in build_warnings(log)
    assert "::error file=bibliography.bib,line=2," in report


def test_validate_and_new_use_the_folders_mkdocs_yml_names(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    (site / "cases").rename(site / "studies")
    with_plugin_options(site, "      cases_dir: studies\n")
    (site / "studies" / CASE).write_text(WARNINGS["W202"], encoding="utf-8")
    validated, report, built, log = both_checks(site)
    assert validated == 1 and built == 1, (report, log)
    assert f"studies/{CASE}:" in report and build_warnings(log)[0].startswith(f"studies/{CASE}:")
    made = casebook("new", "no-synthetic-new-case", "--type", "profile", "--country", "NO", "--mechanism",
                    "coordination-post", "--policy-area", "central-government", "--start", "2001", cwd=site)
    assert made.returncode == 0, made.stderr
    assert (site / "studies/no-synthetic-new-case.md").is_file() and not (site / "cases").exists()
