"""The ``casebook`` command: validate output formats, exit codes, and ``new``."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import casebook, make_site


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
    assert casebook("new", "se-job-centres", "--country", "SE", "--mechanism", "one-stop-shop",
                    "--policy-area", "employment-services", "--start", "2008", cwd=site).returncode == 0
    relaxed = casebook("validate", "cases/se-job-centres.md", cwd=site)
    assert relaxed.returncode == 0, relaxed.stdout
    assert "W202" in relaxed.stdout
    assert casebook("validate", "--strict", "cases/se-job-centres.md", cwd=site).returncode == 1


def test_new_refuses_bad_input_and_existing_files(site: Path) -> None:
    result = casebook("new", "Bad Slug", "--country", "no", "--mechanism", "one-stop", "--start", "2000", cwd=site)
    assert result.returncode == 1
    assert "did you mean 'NO'?" in result.stderr and "did you mean 'one-stop-shop'?" in result.stderr
    again = casebook("new", "mx-social-programme", "--country", "MX", "--mechanism", "task-force",
                     "--start", "2000", cwd=site)
    assert again.returncode == 1 and "already exists" in again.stderr
