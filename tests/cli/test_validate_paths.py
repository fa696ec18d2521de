"""``casebook validate`` given the bibliography or briefs, as the pre-commit hook passes the files a commit changes."""

from __future__ import annotations

from pathlib import Path

from support import casebook, make_site

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
