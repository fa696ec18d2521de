"""Validation of whole case files: schema, vocabularies, sections, cross-file checks."""

from __future__ import annotations

from pathlib import Path

from casebook.catalogue import Settings, load_catalogue
from casebook.core.markdownsetup import MKDOCS_BUILTINS, MarkdownSetup
from support import FIXTURES, make_site

TEN_MISTAKES = """\
---
title: "Ten mistakes"
summary: "A case file with ten different mistakes, each on its own line, for the validator to find."
type: "practice"
status: "published"
countries: ["NO", "no", "XX"]
policy_areas: ["helth"]
mechanisms: ["one-stop", "joint-entity"]
coordination:
  direction: ["diagonal"]
period:
  start: 2010
  end: 2004
authors: "Someone"
updated: "2019-02-30"
template: "404.html"
organisations:
  - name: "Agency"
    acronymn: "AG"
---

## Country background

Text.
"""


def test_ten_mistakes_are_all_reported_with_their_lines(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", {"ten-mistakes.md": TEN_MISTAKES}, keep_fixture_cases=False)
    catalogue = load_catalogue(Settings(root=site))
    found = [(p.line, p.code) for p in catalogue.problems if p.is_error]
    assert found == sorted(
        [
            (6, "E106"),  # 'no' -> did you mean 'NO'
            (6, "E106"),  # 'XX'
            (7, "E105"),  # helth
            (8, "E104"),  # one-stop
            (10, "E103"),  # diagonal
            (13, "E107"),  # end before start
            (14, "E103"),  # authors not a list
            (15, "E108"),  # invalid date
            (16, "E102"),  # template
            (19, "E102"),  # acronymn
            (21, "E120"),  # missing sections (5 of them)
            (21, "E120"),
            (21, "E120"),
            (21, "E120"),
            (21, "E120"),
        ]
    )
    messages = {p.code: p.message for p in catalogue.problems}
    assert "did you mean 'one-stop-shop'?" in messages["E104"]
    assert "did you mean 'health'?" in messages["E105"]
    by_line = {(p.line, p.code): p.message for p in catalogue.problems}
    country_messages = sorted(p.message for p in catalogue.problems if p.code == "E106")
    assert country_messages == [
        "unknown country code 'XX' (write the two-letter ISO 3166-1 code, e.g. 'MX' for Mexico; 'casebook vocab "
        "countries' lists them)",
        "unknown country code 'no' (did you mean 'NO'? Codes are written in capitals)",
    ]
    assert "would change how the site renders" in by_line[(16, "E102")]
    assert "did you mean 'acronym'?" in by_line[(19, "E102")]
    assert catalogue.cases == []


def test_norway_is_a_country(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    catalogue = load_catalogue(Settings(root=site))
    norway = [c for c in catalogue.cases if c.slug == "no-coordination-minister"]
    assert norway and norway[0].countries == ["NO"]
    assert not catalogue.errors


def test_bad_file_names_are_rejected(tmp_path: Path) -> None:
    body = (tmp_path / "x").as_posix()  # unused path; names are what matter here
    del body
    site = make_site(tmp_path / "s", keep_fixture_cases=False)
    cases = site / "cases"
    names = ["Upper.md", "with space.md", "caf\u00e9.md", "index.md", "a--b.md", "x.MD", "notes.txt", "a" * 81 + ".md"]
    for name in names:
        (cases / name).write_text("---\n---\n", encoding="utf-8")
    (cases / "sub").mkdir()
    (cases / "link.md").symlink_to("/etc/passwd")
    catalogue = load_catalogue(Settings(root=site))
    got = {p.path.split("/", 1)[1]: p.code for p in catalogue.problems}
    assert got == {
        "Upper.md": "E110",
        "with space.md": "E110",
        "caf\u00e9.md": "E110",
        "index.md": "E111",
        "a--b.md": "E110",
        "x.MD": "E114",
        "notes.txt": "E114",
        "a" * 81 + ".md": "E110",
        "sub": "E115",
        "link.md": "E113",
    }


def test_word_count_and_placeholders_are_warnings(tmp_path: Path) -> None:
    text = (FIXTURES / "site/cases/mx-social-programme.md").read_text()
    short = text.split("---\n", 2)
    short_case = "---\n" + short[1] + "---\nTODO: write this.\n"
    site = make_site(tmp_path / "s", {"short.md": short_case}, keep_fixture_cases=False)
    catalogue = load_catalogue(Settings(root=site))
    assert [(p.code, p.severity.value) for p in catalogue.problems] == [("W201", "warning"), ("W202", "warning")]
    assert [c.slug for c in catalogue.cases] == ["short"]


def test_settings_of_a_project_read_its_mkdocs_yml_and_keep_defaults_for_what_is_wrong(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "docs_dir: pages\nplugins:\n  - search\n  - casebook:\n      cases_dir: studies\n      briefs_dir: notes\n"
        "      bibliography: refs.bib\n      uncited: warn\n      taxonomy_dir: 7\n"
        "markdown_extensions:\n  - toc:\n      permalink: true\n  - admonition\n", encoding="utf-8")
    settings = Settings.of_project(tmp_path)
    assert (settings.cases_dir, settings.briefs_dir, settings.bibliography, settings.docs_dir, settings.uncited) == \
        ("studies", "notes", "refs.bib", "pages", "warn")
    assert settings.taxonomy_dir == "taxonomy"  # not text: the build reports it
    assert settings.markdown.extensions == ("toc", "tables", "fenced_code", "admonition")
    # The plugins as a mapping, as MkDocs also allows; an unknown 'uncited' value is the default.
    (tmp_path / "mkdocs.yml").write_text("plugins:\n  casebook:\n    cases_dir: studies\n    uncited: loud\n",
                                         encoding="utf-8")
    settings = Settings.of_project(tmp_path)
    assert (settings.cases_dir, settings.uncited) == ("studies", "info")
    # No plugin options: the defaults, and MkDocs' own extensions only.
    (tmp_path / "mkdocs.yml").write_text("plugins:\n  - casebook\n", encoding="utf-8")
    assert Settings.of_project(tmp_path) == Settings(root=tmp_path, markdown=MarkdownSetup(MKDOCS_BUILTINS))
    # A broken file, or none at all: the project's defaults.
    for text in ("plugins: [casebook\n", "- just a list\n"):
        (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
        assert Settings.of_project(tmp_path) == Settings(root=tmp_path), text
    (tmp_path / "mkdocs.yml").unlink()
    assert Settings.of_project(tmp_path) == Settings(root=tmp_path)
