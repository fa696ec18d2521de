"""``casebook new`` and ``casebook vocab``: a skeleton holds what was given or a placeholder, shaped by its type;
the ids to choose from are one command away."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from casebook.core.frontmatter import read_document
from casebook.core.taxonomy import load_taxonomy
from casebook.core.validate import SECTIONS, headings
from casebook.scaffold import LIMITS_SECTION, coordination_choices
from support import REPO, casebook, make_site

GIVEN = ["--country", "NO", "--mechanism", "one-stop-shop", "--mechanism", "new-or-restructured-body",
         "--policy-area", "employment-services", "--start", "2006"]


def new(site: Path, slug: str, *args: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    return casebook("new", slug, *args, cwd=site), site / "cases" / f"{slug}.md"


def strings(value: Any) -> list[Any]:
    """Every scalar in a front-matter value."""
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return [value]


@pytest.mark.parametrize("kind", ["practice", "in-depth", "profile"])
def test_every_value_written_is_given_on_the_command_line_or_a_placeholder(tmp_path: Path, kind: str) -> None:
    site = make_site(tmp_path / "s")
    result, path = new(site, "no-synthetic-case", "--type", kind, *GIVEN)
    assert result.returncode == 0, result.stderr
    doc = read_document(path.read_bytes(), "cases/no-synthetic-case.md")
    assert not doc.problems
    given = {kind, "NO", "one-stop-shop", "new-or-restructured-body", "employment-services", 2006, "draft"}
    for value in strings(doc.meta):
        assert value in given or (isinstance(value, str) and value.startswith("TODO:")), value
    # No coordination was given, so none is written: the lists are left, commented out, under a placeholder.
    assert "coordination" not in doc.meta
    todo = [line for line, text in doc.comments if text.startswith("TODO: coordination")]
    assert len(todo) == 1
    report = casebook("validate", "cases/no-synthetic-case.md", cwd=site)
    assert report.returncode == 0, report.stdout  # a draft may keep its placeholders
    assert f"cases/no-synthetic-case.md:{todo[0]}: W202 warning: placeholder left in a front-matter comment" \
        in report.stdout


def test_the_coordination_given_is_written_and_the_rest_left_to_choose(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    result, path = new(site, "no-synthetic-case", "--type", "profile", *GIVEN, "--direction", "horizontal",
                       "--direction", "vertical", "--mode", "network")
    assert result.returncode == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    doc = read_document(text.encode(), "x.md")
    assert doc.meta["coordination"] == {"direction": ["horizontal", "vertical"], "modes": ["network"]}
    # The missing list is a commented line with every allowed word, which passes once uncommented.
    levels = coordination_choices()["levels"]
    assert re.search(r"^  # levels: \[.*\]$", text, re.M)
    assert all(f'"{word}"' in text for word in levels)
    uncommented = text.replace("  # levels:", "  levels:")
    assert read_document(uncommented.encode(), "x.md").meta["coordination"]["levels"] == levels
    # Done as the placeholder asks (keep what applies, remove the '# ', delete the comment), it validates.
    lines = [line for line in uncommented.split("\n") if not line.startswith("# TODO: coordination")]
    path.write_text("\n".join(lines), encoding="utf-8")
    report = casebook("validate", "cases/no-synthetic-case.md", cwd=site)
    assert report.returncode == 0 and "front-matter comment" not in report.stdout, report.stdout
    bad = casebook("new", "no-other", "--type", "profile", *GIVEN, "--mode", "anarchy", cwd=site)
    assert bad.returncode == 2 and "invalid choice: 'anarchy'" in bad.stderr


@pytest.mark.parametrize("kind", ["practice", "in-depth", "profile"])
def test_the_skeleton_has_the_sections_of_its_type(tmp_path: Path, kind: str) -> None:
    site = make_site(tmp_path / "s")
    _, path = new(site, "no-synthetic-case", "--type", kind, *GIVEN)
    doc = read_document(path.read_bytes(), "x.md")
    found = [text for _, text in headings(doc.body)]
    if kind == "profile":
        assert found == [*SECTIONS, LIMITS_SECTION]  # the docs ask profiles to end with the limits of their sources
        assert doc.body.lstrip().startswith("TODO: an opening paragraph")
    else:
        assert found == list(SECTIONS)
    report = casebook("validate", "cases/no-synthetic-case.md", cwd=site)
    # The length it is held to is its type's, never a practice's for a profile.
    expected = {"practice": "2,500–3,500", "in-depth": "6,000–10,000", "profile": "300–3,500"}[kind]
    assert "W201 warning: " in report.stdout and f"a {kind} case has {expected}" in report.stdout
    assert "E120" not in report.stdout


def test_a_filled_in_profile_skeleton_is_clean(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    _, path = new(site, "no-synthetic-case", "--type", "profile", *GIVEN, "--title", "A synthetic profile",
                  "--author", "Test Author", "--direction", "horizontal", "--mode", "network", "--level", "national")
    text = path.read_text(encoding="utf-8")
    text = text.replace('"TODO: one paragraph', '"Synthetic summary of a case written by the test suite; one paragraph')
    text = re.sub(r'"TODO: ([^"]*)"', lambda m: f'"Synthetic {m[1].split(",")[0]}"', text)
    sentence = "Synthetic sentence written by the test suite about coordination, with no real content at all. "
    text = re.sub(r"TODO: .*$", (sentence * 4).strip(), text, flags=re.M)
    path.write_text(text, encoding="utf-8")
    report = casebook("validate", "--strict", "cases/no-synthetic-case.md", cwd=site)
    assert report.returncode == 0, report.stdout


def test_type_and_policy_area_are_asked_for_and_documented(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    missing = casebook("new", "no-synthetic-case", "--country", "NO", "--mechanism", "one-stop-shop",
                       "--start", "2006", cwd=site)
    assert missing.returncode == 2
    assert "the following arguments are required: --type, --policy-area" in missing.stderr
    assert not (site / "cases" / "no-synthetic-case.md").exists()  # nothing invented in their place
    usage = casebook("new", "--help", cwd=site).stdout
    type_help = usage[usage.index("  --type {"):usage.index("  --country")]
    for word in ("practice", "in-depth", "profile", "2,500-3,500", "Sources and limits"):
        assert word in type_help, word
    examples = usage[usage.index("examples:"):]
    assert "--type practice" in examples and "--type profile" in examples and "casebook vocab" in examples
    # The examples work as printed (the continuation backslashes joined).
    for command in re.findall(r"^    (casebook new .*?)(?=\n  \S|\n*\Z)", examples, re.M | re.S):
        words = command.replace("\\\n", " ").split()
        words = [w.strip('"') for w in words]
        title_at = words.index("--title") if "--title" in words else None
        if title_at is not None:
            end = next(i for i in range(title_at + 1, len(words)) if words[i].startswith("--") or i == len(words) - 1)
            words[title_at + 1:end + 1] = [" ".join(words[title_at + 1:end + 1])]
        result = casebook(*words[1:], cwd=site)
        assert result.returncode == 0, (command, result.stderr)


def test_a_start_that_is_not_a_year_is_refused_in_one_line(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    result, _ = new(site, "no-synthetic-case", "--type", "profile", *GIVEN[:-2], "--start", "2006-07-01")
    assert result.returncode == 2
    assert "argument --start: '2006-07-01' is not a four-digit year such as 2006" in result.stderr


@pytest.mark.parametrize(("given", "code"), [("Norway", "NO"), ("NOR", "NO"), ("Norge", "NO"), ("UK", "GB"),
                                             ("no", "NO")])
def test_a_country_written_as_a_name_or_another_code_is_answered_with_its_code(
    tmp_path: Path, given: str, code: str,
) -> None:
    site = make_site(tmp_path / "s")
    result, path = new(site, "no-synthetic-case", "--type", "profile", *GIVEN[2:], "--country", given)
    assert result.returncode == 1 and not path.exists()
    assert f"casebook new: unknown country code '{given}' (did you mean '{code}'?" in result.stderr


def test_vocab_lists_every_id_with_its_label(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    taxonomy, problems = load_taxonomy(REPO / "taxonomy")
    assert not problems
    result = casebook("vocab", cwd=site)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for terms in (taxonomy.mechanisms, taxonomy.policy_areas):
        for term in terms.values():
            assert any(re.fullmatch(rf"  {re.escape(term.id)} +{re.escape(term.label)}", line) for line in lines), \
                term.id
    assert "Mechanisms (taxonomy/mechanisms.yml)" in result.stdout
    assert "Policy areas (taxonomy/policy-areas.yml)" in result.stdout
    countries = casebook("vocab", "countries", cwd=site).stdout
    assert re.search(r"^  NO  Norway$", countries, re.M) and "Mechanisms" not in countries
    coordination = casebook("vocab", "coordination", cwd=site).stdout
    assert re.search(r"^  modes +hierarchy, market, network$", coordination, re.M)
    unknown = casebook("vocab", "mechanism", cwd=site)
    assert unknown.returncode == 2 and "'mechanism' is not one of mechanisms, policy-areas" in unknown.stderr


def test_vocab_into_a_reader_that_stops_early_ends_without_a_traceback(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "casebook.cli", "vocab", "countries", "mechanisms", "policy-areas", "coordination"],
        cwd=make_site(tmp_path / "s"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0,
    )
    assert process.stdout is not None and process.stderr is not None
    with process.stdout, process.stderr:
        process.stdout.read(10)
        process.stdout.close()  # as 'head' does
        stderr = process.stderr.read().decode()
        process.wait(timeout=60)
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr
