"""``casebook validate`` given the bibliography or briefs, as the pre-commit hook passes the files a commit changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import REPO, casebook, make_site

BIB = """\
@book{doe2020,
  author = {Doe, Jane},
  title = {A Synthetic Book},
  publisher = {Synthetic Press},
  year = {2020}
}

@misc{roe2021,
  author = {Roe, Richard},
  title = {A Synthetic Page},
  year = {2021},
  url = {https://example.org/page},
  urldate = {2026-03-01}
}
"""

CITING = "mx-social-programme.md"


def cited_site(tmp_path: Path, bib: str = BIB) -> Path:
    """The fixture site with a bibliography, and a case that cites 'doe2020' on its last line."""
    site = make_site(tmp_path / "s")
    (site / "bibliography.bib").write_text(bib, encoding="utf-8")
    case = site / "cases" / CITING
    case.write_text(case.read_text(encoding="utf-8") + "\nAs the synthetic book shows [@doe2020, p. 4].\n",
                    encoding="utf-8")
    return site


def citing_line(site: Path) -> int:
    return len((site / "cases" / CITING).read_text(encoding="utf-8").splitlines())


def test_the_bibliography_is_checked_not_refused_as_a_case(tmp_path: Path) -> None:
    site = cited_site(tmp_path)
    result = casebook("validate", "bibliography.bib", cwd=site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "E114" not in result.stdout
    assert "1 file(s) checked: 0 error(s), 0 warning(s)" in result.stderr
    # Every citation of the project was read: only the entry nothing cites is left over.
    uncited = casebook("validate", "--uncited", "bibliography.bib", cwd=site)
    assert uncited.stdout.splitlines() == [
        "bibliography.bib:8: W301 warning: entry 'roe2021' is not cited by any case, brief or page"
    ]


def test_a_broken_bibliography_fails_with_its_line(tmp_path: Path) -> None:
    site = cited_site(tmp_path, BIB + "\n@book{broken2022,\n  title = {Never closed\n")
    result = casebook("validate", "bibliography.bib", cwd=site)
    assert result.returncode == 1
    assert "bibliography.bib:16: E302 entry 'broken2022' is never closed" in result.stdout
    assert "E114" not in result.stdout


def test_a_renamed_key_is_reported_where_it_is_cited(tmp_path: Path) -> None:
    site = cited_site(tmp_path, BIB.replace("doe2020", "doe2020a"))
    result = casebook("validate", "bibliography.bib", cwd=site)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"cases/{CITING}:{citing_line(site)}: E305 unknown citation key 'doe2020': not in bibliography.bib "
        "(did you mean 'doe2020a'?)"
    ]


def test_a_key_spelled_with_letters_outside_ascii_gets_an_ascii_key(tmp_path: Path) -> None:
    bib = BIB.replace("@misc{roe2021,", "@misc{lægreid2014,")
    result = casebook("validate", "bibliography.bib", cwd=cited_site(tmp_path, bib))
    assert result.returncode == 1
    assert "bibliography.bib:8: E306 key 'lægreid2014' is not a citation key" in result.stdout
    assert "rename it, e.g. 'laegreid2014'" in result.stdout


@pytest.mark.parametrize(("defined", "hint"), [
    ("lægreid2014", ""),  # refused itself (E306): never offered
    ("doe2020", ""),
    ("laegreid2015", " (did you mean 'laegreid2015'?)"),
])
def test_an_unknown_key_is_answered_only_with_a_key_that_is_valid(tmp_path: Path, defined: str, hint: str) -> None:
    bib = BIB.replace("@misc{roe2021,", f"@misc{{{defined},")
    site = cited_site(tmp_path, bib)
    case = site / "cases" / CITING
    case.write_text(case.read_text(encoding="utf-8").replace("[@doe2020, p. 4]", "[@laegreid2014, p. 4]"),
                    encoding="utf-8")
    result = casebook("validate", cwd=site)
    assert f"cases/{CITING}:{citing_line(site)}: E305 unknown citation key 'laegreid2014': not in bibliography.bib" \
        f"{hint}\n" in result.stdout, result.stdout
    assert "did you mean 'lægreid2014'" not in result.stdout


def test_the_files_of_a_commit_are_checked_together_as_the_hook_passes_them(tmp_path: Path) -> None:
    site = cited_site(tmp_path)
    (site / "briefs").mkdir()
    brief = site / "briefs" / "synthetic-brief.md"
    brief.write_text(
        '---\ntitle: "Synthetic brief"\nsummary: "A synthetic brief written by the test suite for this check."\n'
        'status: "draft"\naudience: ["Testers"]\ncases: ["mx-social-programme"]\nkey_messages: ["Synthetic one."]\n'
        'authors: ["Test Author"]\ndate: "2026-03-01"\n---\n\nSynthetic text [@doe2020].\n',
        encoding="utf-8",
    )
    together = casebook("validate", "bibliography.bib", "briefs/synthetic-brief.md", cwd=site)
    assert together.returncode == 0, together.stdout
    assert "2 file(s) checked: 0 error(s), 0 warning(s)" in together.stderr
    brief.write_text(brief.read_text(encoding="utf-8").replace("[@doe2020]", "[@doe2021]"), encoding="utf-8")
    broken = casebook("validate", "bibliography.bib", "briefs/synthetic-brief.md", cwd=site)
    assert broken.returncode == 1
    assert "briefs/synthetic-brief.md:12: E305 unknown citation key 'doe2021'" in broken.stdout
    assert casebook("validate", "briefs", cwd=site).returncode == 1


def project_with_files_around(tmp_path: Path) -> Path:
    """The fixture site with the files a repository has around its content, and a draft brief whose only problem
    is a TODO (so that what is checked shows in the output)."""
    site = cited_site(tmp_path)
    for name in ("README.md", "CHANGELOG.md", "CONTRIBUTING.md"):
        (site / name).write_text(f"# {name}\n\nNot a case.\n", encoding="utf-8")
    (site / "briefs").mkdir()
    (site / "briefs" / "synthetic-brief.md").write_text(
        '---\ntitle: "Synthetic brief"\nsummary: "A synthetic brief written by the test suite for this check."\n'
        'status: "published"\naudience: ["Testers"]\ncases: ["mx-social-programme"]\nkey_messages: ["TODO: one."]\n'
        'authors: ["Test Author"]\ndate: "2026-03-01"\n---\n\nSynthetic text [@doe2020].\n',
        encoding="utf-8",
    )
    return site


def test_the_project_folder_is_checked_as_a_whole(tmp_path: Path) -> None:
    site = project_with_files_around(tmp_path)
    everything = casebook("validate", cwd=site)
    assert "briefs/synthetic-brief.md:7: W202" in everything.stdout, everything.stdout
    for args, cwd in ((["."], site), ([str(site)], site / "cases"), ([".."], site / "cases"), (["../"], site / "docs")):
        result = casebook("validate", *args, cwd=cwd)
        assert (result.stdout, result.returncode) == (everything.stdout, 1), (args, result.stdout)
        assert "README" not in result.stdout and "E110" not in result.stdout and "E111" not in result.stdout
        assert result.stderr.splitlines()[0] == everything.stderr.splitlines()[0]


@pytest.mark.parametrize("path", ["README.md", "CHANGELOG.md", "docs/index.md", "docs", "taxonomy/mechanisms.yml",
                                  "taxonomy", "mkdocs.yml", "docs/../README.md"])
def test_a_path_that_is_no_case_brief_or_bibliography_is_refused_in_one_line(tmp_path: Path, path: str) -> None:
    site = project_with_files_around(tmp_path)
    result = casebook("validate", path, cwd=site)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"casebook validate: '{path}' is not a case, a brief or the bibliography; validate checks 'cases/', "
        "'briefs/' and 'bibliography.bib' (with no path, all of them)"
    ]
    # Named with the other paths, it is refused all the same: nothing is half-checked.
    together = casebook("validate", "cases/mx-social-programme.md", path, cwd=site)
    assert together.returncode == 2 and together.stdout == "" and len(together.stderr.splitlines()) == 1


def test_the_message_names_the_folders_mkdocs_yml_gives(tmp_path: Path) -> None:
    site = project_with_files_around(tmp_path)
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - casebook\n", "  - casebook:\n      cases_dir: content/cases\n      briefs_dir: content/briefs\n"
        "      bibliography: content/refs.bib\n"), encoding="utf-8")
    (site / "content").mkdir()
    (site / "cases").rename(site / "content" / "cases")
    (site / "briefs").rename(site / "content" / "briefs")
    (site / "bibliography.bib").rename(site / "content" / "refs.bib")
    refused = casebook("validate", "cases", cwd=site)  # no longer the cases folder: it does not exist
    assert "E005" in refused.stdout
    refused = casebook("validate", "README.md", cwd=site)
    assert refused.returncode == 2
    assert "validate checks 'content/cases/', 'content/briefs/' and 'content/refs.bib'" in refused.stderr
    cases = casebook("validate", "content/cases", cwd=site / ".")
    assert cases.returncode == 0 and "3 file(s) checked" in cases.stderr, cases.stdout + cases.stderr
    briefs = casebook("validate", ".", cwd=site / "content" / "briefs")
    assert briefs.stdout.startswith("content/briefs/synthetic-brief.md:7: W202"), briefs.stdout
    assert "1 file(s) checked" in briefs.stderr


def test_a_folder_of_content_is_checked_as_the_whole_run_checks_it(tmp_path: Path) -> None:
    site = project_with_files_around(tmp_path)
    (site / "cases" / "notes.txt").write_text("not a case\n", encoding="utf-8")
    (site / "cases" / "old").mkdir()
    (site / "cases" / "old" / "x-case.md").write_text("---\n---\n", encoding="utf-8")
    whole = [line for line in casebook("validate", cwd=site).stdout.splitlines() if line.startswith("cases/")]
    assert whole == [
        "cases/notes.txt:1: E114 only '.md' case files belong in this folder",
        "cases/old:1: E115 sub-folders are not allowed in the 'cases' folder",
    ]
    for args, cwd in ((["cases"], site), (["cases/"], site), (["."], site / "cases")):
        result = casebook("validate", *args, cwd=cwd)
        assert result.stdout.splitlines() == whole and result.returncode == 1, (args, result.stdout)
        assert "5 file(s) checked" in result.stderr  # the three cases, the bad file and the sub-folder
    inside = casebook("validate", "cases/old/x-case.md", "cases/old", cwd=site)
    assert inside.stdout.splitlines() == [
        "cases/old:1: E115 sub-folders are not allowed in the 'cases' folder: put the files directly in 'cases/'",
        "cases/old/x-case.md:1: E115 sub-folders are not allowed in the 'cases' folder: put the files directly in "
        "'cases/'",
    ]
    briefs = casebook("validate", "briefs", cwd=site)
    assert briefs.stdout.startswith("briefs/synthetic-brief.md:7: W202") and "1 file(s) checked" in briefs.stderr


ONLINE = """\
@misc{roe2021,
  author = {Roe, Richard},
  title = {A Synthetic Page},
  year = {2021},
  url = {example.org/x},
  urldate = {1 March 2026}
}

@misc{poe2022, title = {A Synthetic Note}, year = {2022},
  url = {\\url{https://example.org/a\\_b}}, urldate = {2026-02-30}}

@misc{moe2023,
  title = {A Synthetic Archive},
  note = {the url = line below is the one},
  URL = "ftp://example.org/x",
  Urldate = {07/12/2026}
}

@misc{doe2020, title = {A Synthetic Book}, year = {2020}, url = {HTTPS://example.org/ok}, urldate = {2026-03-01}}
"""


def test_the_url_and_urldate_of_an_online_source_are_checked_with_their_lines(tmp_path: Path) -> None:
    result = casebook("validate", "bibliography.bib", cwd=cited_site(tmp_path, ONLINE))
    assert result.returncode == 1  # a warning in bibliography.bib fails the site's strict build
    assert result.stdout.splitlines() == [
        "bibliography.bib:5: W307 warning: entry 'roe2021': url 'example.org/x' does not start with 'https://' or "
        "'http://' (write {https://example.org/x} if that is the address you read it at)",
        "bibliography.bib:6: W308 warning: entry 'roe2021': urldate '1 March 2026' is not a date written YYYY-MM-DD, "
        "the day you read the source (write 2026-03-01)",
        "bibliography.bib:10: W308 warning: entry 'poe2022': urldate '2026-02-30' is no real day; write the day you "
        "read the source (for example 2026-03-01 for 1 March 2026)",
        "bibliography.bib:15: W307 warning: entry 'moe2023': url 'ftp://example.org/x' does not start with "
        "'https://' or 'http://'",
        "bibliography.bib:16: W308 warning: entry 'moe2023': urldate '07/12/2026' is not a date written YYYY-MM-DD, "
        "the day you read the source (write the year first: 2026-12-07 for 7 December 2026 or 2026-07-12 for "
        "12 July 2026)",
    ]
    # Each fix it suggests passes.
    fixed = ONLINE.replace("{example.org/x}", "{https://example.org/x}").replace("{1 March 2026}", "{2026-03-01}")
    fixed = fixed.replace("2026-02-30", "2026-03-01").replace('"ftp:', '"https:').replace("07/12/2026", "2026-12-07")
    assert casebook("validate", "--strict", "bibliography.bib", cwd=cited_site(tmp_path / "f", fixed)).returncode == 0


def test_the_repositorys_own_bibliography_passes_the_strict_check() -> None:
    result = casebook("validate", "--strict", "bibliography.bib", cwd=REPO)
    assert result.returncode == 0 and result.stdout == "", result.stdout


def test_the_summary_says_only_what_applies_to_the_warnings_that_fail(tmp_path: Path) -> None:
    site = cited_site(tmp_path, BIB.replace("urldate = {2026-03-01}", "urldate = {1 March 2026}"))
    only_bib = casebook("validate", cwd=site)
    assert only_bib.returncode == 1
    assert only_bib.stderr.splitlines()[0] == (
        "4 file(s) checked: 0 error(s), 1 warning(s); 1 warning(s) in bibliography.bib fail the check, as they fail "
        "the site's strict build: fix them")
    case = site / "cases" / "no-coordination-minister.md"
    case.write_text(case.read_text(encoding="utf-8").replace('summary: "', 'summary: "TODO: '), encoding="utf-8")
    both = casebook("validate", cwd=site)
    assert both.stderr.splitlines()[0] == (
        "4 file(s) checked: 0 error(s), 2 warning(s); 2 warning(s) fail the check, as they fail the site's strict "
        "build: fix the 1 in bibliography.bib; fix the 1 in cases and briefs, or keep the case or brief a draft "
        '(status: "draft") while you write')
    (site / "bibliography.bib").write_text(BIB, encoding="utf-8")
    only_case = casebook("validate", "cases/no-coordination-minister.md", cwd=site)
    assert only_case.stderr.splitlines()[0] == (
        "1 file(s) checked: 0 error(s), 1 warning(s); 1 warning(s) outside drafts fail the check, as they fail the "
        'site\'s strict build: fix them, or keep the case or brief a draft (status: "draft") while you write')
