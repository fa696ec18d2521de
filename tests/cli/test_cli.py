"""The ``casebook`` command: validate output formats, exit codes, and ``new``."""

from __future__ import annotations

import json
from pathlib import Path

from support import casebook, make_site


def test_validate_clean_fixture_exits_zero(site: Path) -> None:
    result = casebook("validate", cwd=site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 file(s) checked: 0 error(s), 0 warning(s)" in result.stderr


def test_validate_formats_and_exit_status(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", {"bad-case.md": "---\ntitle: [\n---\n"})
    text = casebook("validate", cwd=site)
    assert text.returncode == 1
    assert text.stdout.startswith("cases/bad-case.md:2: E012 YAML syntax error")
    github = casebook("validate", "--format", "github", cwd=site)
    assert github.returncode == 1
    assert github.stdout.startswith("::error file=cases/bad-case.md,line=2,title=E012::YAML syntax error")
    data = json.loads(casebook("validate", "--format", "json", cwd=site).stdout)
    assert data[0]["path"] == "cases/bad-case.md" and data[0]["line"] == 2 and data[0]["severity"] == "error"


def test_github_format_cannot_be_forged_by_content(tmp_path: Path) -> None:
    hostile = '---\ntitle: "x"\nevil\u2028key: 1\n"a\\n::add-mask::secret": 1\n---\n'
    site = make_site(tmp_path / "s", {"forge.md": hostile})
    result = casebook("validate", "--format", "github", cwd=site)
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("::error file=cases/forge.md,") for line in lines)
    assert not any("::add-mask::" in line.split("::", 2)[2] and "\n" in line for line in lines)


def test_given_paths_only_are_checked(site: Path) -> None:
    result = casebook("validate", "cases/mx-social-programme.md", cwd=site)
    assert result.returncode == 0
    assert "1 file(s) checked" in result.stderr


def test_strict_turns_warnings_into_failure(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    assert casebook("new", "se-job-centres", "--type", "practice", "--country", "SE", "--mechanism", "one-stop-shop",
                    "--policy-area", "employment-services", "--start", "2008", cwd=site).returncode == 0
    relaxed = casebook("validate", "cases/se-job-centres.md", cwd=site)
    assert relaxed.returncode == 0, relaxed.stdout
    assert "W202" in relaxed.stdout
    assert casebook("validate", "--strict", "cases/se-job-centres.md", cwd=site).returncode == 1


def test_new_refuses_bad_input_and_existing_files(site: Path) -> None:
    result = casebook("new", "Bad Slug", "--type", "profile", "--country", "no", "--mechanism", "one-stop",
                      "--policy-area", "helth", "--start", "2000", cwd=site)
    assert result.returncode == 1
    assert "did you mean 'NO'?" in result.stderr and "did you mean 'one-stop-shop'?" in result.stderr
    assert "did you mean 'health'?" in result.stderr and "Traceback" not in result.stderr
    again = casebook("new", "mx-social-programme", "--type", "profile", "--country", "MX", "--mechanism", "task-force",
                     "--policy-area", "health", "--start", "2000", cwd=site)
    assert again.returncode == 1 and "already exists" in again.stderr


TEN_MISTAKES = """---
title: "Ten mistakes"
summary: "Synthetic test case with ten deliberate front-matter mistakes and one unknown citation."
type: "in-dept"
status: "published"
countries: ["NO", "XX"]
policy_areas: ["helth"]
mechanisms: ["one-stop"]
coordination:
  direction: ["diagonal"]
  modes: ["hierarchy"]
  levels: ["national"]
period:
  start: 2010
  end: 2005
organisations:
  - name: "Ministry"
    acronym: 12
authors: []
references: ["nokey-1999"]
updated: "2026-13-45"
template: "404.html"
---

Synthetic body with a citation [@no-such-key-2020, p. 3].
"""


def test_one_run_reports_every_mistake_with_its_line_also_unknown_citations(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", {"ten-mistakes.md": TEN_MISTAKES})
    (site / "bibliography.bib").write_text("@book{key2020, title={A Book}, author={Doe, Jane}, year={2020}}\n")
    for args in (("validate",), ("validate", "cases/ten-mistakes.md")):
        result = casebook(*args, cwd=site)
        assert result.returncode == 1
        found = [line.split(" ", 2)[:2] for line in result.stdout.splitlines()]
        assert found == [
            ["cases/ten-mistakes.md:4:", "E103"], ["cases/ten-mistakes.md:6:", "E106"],
            ["cases/ten-mistakes.md:7:", "E105"], ["cases/ten-mistakes.md:8:", "E104"],
            ["cases/ten-mistakes.md:10:", "E103"], ["cases/ten-mistakes.md:15:", "E107"],
            ["cases/ten-mistakes.md:18:", "E103"], ["cases/ten-mistakes.md:19:", "E103"],
            # A file that fails validation still has its citations checked: one run, every problem.
            ["cases/ten-mistakes.md:20:", "E305"],
            ["cases/ten-mistakes.md:21:", "E108"], ["cases/ten-mistakes.md:22:", "E102"],
            ["cases/ten-mistakes.md:25:", "E305"],
        ], result.stdout
    # The NO in the list is Norway, not a mistake.
    assert "'NO'" not in result.stdout


def test_a_draft_with_an_error_fails_on_the_error_alone(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    assert casebook("new", "se-job-centres", "--type", "practice", "--country", "SE", "--mechanism", "one-stop-shop",
                    "--policy-area", "employment-services", "--start", "2008", cwd=site).returncode == 0
    case = site / "cases" / "se-job-centres.md"
    case.write_text(case.read_text().replace('countries: ["SE"]', 'countries: ["Sweden"]'))
    result = casebook("validate", "cases/se-job-centres.md", cwd=site)
    assert result.returncode == 1
    assert "E106 unknown country code 'Sweden' (did you mean 'SE'?" in result.stdout
    # Its placeholders are still a draft's: they are listed, and not said to fail the check.
    assert "W202 warning:" in result.stdout and "outside drafts" not in result.stderr
    github = casebook("validate", "--format", "github", "cases/se-job-centres.md", cwd=site).stdout.splitlines()
    assert {line.split(" ", 1)[0] for line in github} == {"::error", "::warning"}
    assert all(line.startswith("::warning ") for line in github if "title=W202" in line)
