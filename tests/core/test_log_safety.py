"""CI logs: contributor text in messages cannot start a log line, forge workflow commands or send escapes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from casebook.core.problems import MAX_MESSAGE, error, format_github, format_json, safe_path, safe_text, warning
from support import casebook, make_site
from support.hostile import BAD_NAMES, REJECTED, write_bad_names

HOSTILE_TEXT = [
    "::add-mask::secret",
    "\n::error file=x.md,line=1::forged",
    "\r::set-output name=x::y",
    "##[error]forged",
    "%0A::error::x",
    "\x1b]0;title\x07\x1b[2J\x1b[31mred",
    "\x9b31m",
    "a\u2028::warning::b\u2029c",
    "\u202eevil",
    "\x00nul",
    "tab\there",
]

# Characters that a terminal or the Actions runner could act on.
DANGEROUS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_every_format_keeps_hostile_text_on_one_inert_line(text: str) -> None:
    for problem in (error(text + ".md", 3, "E102", f"unknown field '{text}'"),
                    warning(f"cases/{text}.md", 1, "W203", text)):
        for line in (problem.format_text(), format_github(problem)):
            assert "\n" not in line and "\r" not in line
            assert not DANGEROUS.search(line), line
        assert not problem.format_text().lstrip().startswith(("::", "##["))
        github = format_github(problem)
        assert github.startswith(f"::{problem.severity.value} file=")
        # The data part holds no unescaped newline: the runner sees exactly one command.
        assert github.count("::") >= 2 and "\n" not in github
        dumped = format_json([problem])
        assert not DANGEROUS.search(dumped.replace("\n", "")), dumped
        assert json.loads(dumped)[0]["message"] == problem.message


def test_safe_text_escapes_are_readable_and_unambiguous() -> None:
    assert safe_text("a\x1bb") == "a\\x1bb"
    assert safe_text("a\u202eb") == "a\\u202eb"
    assert safe_text("a\U000f0000b") == "a\\U000f0000b"
    assert safe_text("Caf\u00e9 \u0421\u041c\u0418") == "Caf\u00e9 \u0421\u041c\u0418"  # letters stay letters


def test_paths_that_look_like_commands_are_prefixed() -> None:
    assert safe_path("::add-mask::x.md") == "./::add-mask::x.md"
    assert safe_path("##[error]x.md") == "./##[error]x.md"
    assert safe_path(" ::x.md") == "./ ::x.md"
    assert safe_path("cases/x.md") == "cases/x.md"


def test_long_echoed_values_are_cut_short() -> None:
    problem = error("cases/x.md", 1, "E102", "unknown field '" + "k" * 40_000 + "'")
    assert len(problem.format_text()) < MAX_MESSAGE + 100
    assert len(format_github(problem)) < MAX_MESSAGE + 200


def test_command_output_over_hostile_files_is_inert(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", {h.name: h.content for h in REJECTED}, keep_fixture_cases=False)
    write_bad_names(site / "cases")
    expected = sum(len(h.errors) for h in REJECTED) + len(BAD_NAMES)
    text = casebook("validate", cwd=site)
    github = casebook("validate", "--format", "github", cwd=site)
    as_json = casebook("validate", "--format", "json", cwd=site)
    for result in (text, github, as_json):
        assert result.returncode == 1
        assert not DANGEROUS.search(result.stdout.replace("\n", "")), result.stdout
        assert not DANGEROUS.search(result.stderr.replace("\n", ""))
    text_lines = text.stdout.splitlines()
    assert len(text_lines) == expected and all(line.startswith("cases/") for line in text_lines)
    github_lines = github.stdout.splitlines()
    assert len(github_lines) == expected
    assert all(re.match(r"::error file=cases/[^,:]*,line=\d+,title=E\d{3}::", line) for line in github_lines)
    assert "file=cases/%3A%3Aerror%3A%3Aforged.md," in github.stdout
    assert len(json.loads(as_json.stdout)) == expected


def test_a_path_given_on_the_command_line_cannot_start_a_command(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    missing = casebook("validate", "::add-mask::y.md", cwd=site)  # reported as a file that does not exist
    assert missing.returncode == 1
    assert missing.stdout.startswith("./::add-mask::y.md:1: E005 ")
    # Outside cases/ and briefs/: refused in one line, which starts with the command's name.
    (site / "::add-mask::x\n::error::forged.md").write_text("not a case", encoding="utf-8")
    refused = casebook("validate", "--format", "github", "::add-mask::x\n::error::forged.md", cwd=site)
    assert refused.returncode == 2 and refused.stdout == ""
    (line,) = refused.stderr.splitlines()
    assert line.startswith("casebook validate: '::add-mask::x\\x0a::error::forged.md' is not a case"), line
