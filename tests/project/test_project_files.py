"""The files around the engine: workflows, templates, hooks, editor settings, licences, CONTRIBUTING.

Each test checks a file against the real thing it drives: the workflow commands against the
``casebook`` parser and the Makefile, the annotation output against GitHub's workflow-command
syntax, CONTRIBUTING.md's commands by running them in a fresh copy of the repository.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import unicodedata
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from casebook.cli import build_parser
from casebook.core.problems import Problem, Severity, format_github, safe_text
from support import REPO, casebook, make_site

WORKFLOWS = REPO / ".github" / "workflows"
SHA_PIN = re.compile(r"^\s*-?\s*uses:\s*([\w.-]+/[\w./-]+)@([0-9a-f]{40})\s+#\s*v\d+(\.\d+){0,2}\s*$")


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    # PyYAML reads the key 'on' as the boolean True (YAML 1.1); GitHub reads it as 'on'.
    value = workflow.get("on", workflow.get(True))
    assert isinstance(value, dict), "workflow triggers must be a mapping"
    return value


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def run_lines(workflow: dict[str, Any]) -> list[str]:
    return [line.strip() for step in steps(workflow) if "run" in step for line in step["run"].splitlines()]


def uses(workflow: dict[str, Any]) -> list[str]:
    return [step["uses"].split("@")[0] for step in steps(workflow) if "uses" in step]


@pytest.fixture(scope="module")
def pr_workflow() -> dict[str, Any]:
    return load_yaml(WORKFLOWS / "pull-request.yml")  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def publish_workflow() -> dict[str, Any]:
    return load_yaml(WORKFLOWS / "publish.yml")  # type: ignore[no-any-return]


# --- Workflows ---


def test_every_workflow_parses_and_pins_every_action_to_a_commit() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [f.name for f in files] == ["publish.yml", "pull-request.yml"]
    for path in files:
        text = path.read_text(encoding="utf-8")
        workflow = yaml.safe_load(text)
        assert workflow["name"] and workflow["jobs"]
        uses_lines = [line for line in text.splitlines() if re.match(r"^\s*-?\s*uses:", line)]
        assert uses_lines
        for line in uses_lines:
            assert SHA_PIN.match(line), f"{path.name}: not pinned to a full commit with a version comment: {line}"
        # Untrusted pull requests never run with the repository's token or secrets.
        assert not {"pull_request_target", "workflow_run"} & set(triggers(workflow))
        assert "${{ github.event.pull_request.title" not in text and "github.head_ref" not in text
        # Top-level permissions are read-only; anything more is granted per job.
        assert workflow["permissions"] == {"contents": "read"}


def test_pull_request_workflow_validates_builds_tests_and_uploads_a_preview(pr_workflow: dict[str, Any]) -> None:
    assert "pull_request" in triggers(pr_workflow)
    lines = run_lines(pr_workflow)
    order = [
        "make install",
        ".venv/bin/casebook validate --format github",
        ".venv/bin/mkdocs build --strict",
        "make test",
    ]
    positions = [lines.index(command) for command in order]
    assert positions == sorted(positions)
    assert any(re.search(r"apt-get install .*\bchromium\b", line) for line in lines)
    # The engines that follow MkDocs 1.6 get a check of their own (README, "Engines").
    assert "make test-engines" in lines
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "test-engines: $(STAMP)\n\t$(BIN)/python -m pytest -m engines\n" in makefile
    assert not any("playwright install" in line for line in lines)
    upload = next(s for s in steps(pr_workflow) if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"].rstrip("/") == "site"
    assert uses(pr_workflow).index("actions/upload-artifact") > uses(pr_workflow).index("actions/setup-python")
    checkout = next(s for s in steps(pr_workflow) if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False
    for job in pr_workflow["jobs"].values():
        assert "permissions" not in job  # nothing beyond contents: read on pull requests
    # The suite runs on Debian, whose chromium package is the browser itself, as .ci/run expects.
    tests = next(job for job in pr_workflow["jobs"].values() if any(s.get("run") == "make test" for s in job["steps"]))
    assert re.fullmatch(r"python:3\.1[1-9]-(bookworm|trixie)", tests["container"])


def test_publish_workflow_deploys_main_with_the_official_pages_actions(publish_workflow: dict[str, Any]) -> None:
    on = triggers(publish_workflow)
    assert on["push"]["branches"] == ["main"]
    assert "pull_request" not in on
    build, deploy = publish_workflow["jobs"]["build"], publish_workflow["jobs"]["deploy"]
    assert [u for u in uses(publish_workflow) if "pages" in u] == [
        "actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages",
    ]
    assert "permissions" not in build
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    lines = run_lines(publish_workflow)
    assert ".venv/bin/casebook validate --format github" in lines
    assert ".venv/bin/mkdocs build --strict" in lines
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"].rstrip("/") == "site"


def test_workflow_commands_exist(pr_workflow: dict[str, Any], publish_workflow: dict[str, Any]) -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    mkdocs_help = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--help"], capture_output=True, text=True, timeout=60
    ).stdout
    checked = 0
    for line in run_lines(pr_workflow) + run_lines(publish_workflow):
        words = shlex.split(line) if not line.startswith(("apt-get", "DEBIAN_FRONTEND=", "echo")) else []
        if not words:
            continue
        if words[0] == "make":
            assert re.search(rf"^{re.escape(words[1])}:", makefile, re.M), f"no make target '{words[1]}'"
        elif words[0] == ".venv/bin/casebook":
            build_parser().parse_args(words[1:])  # exits (fails the test) on an unknown option
        elif words[0] == ".venv/bin/mkdocs":
            assert words[1] == "build"
            for option in words[2:]:
                assert option in mkdocs_help
        else:
            pytest.fail(f"unexpected command in a workflow: {line}")
        checked += 1
    assert checked >= 6


def test_mkdocs_yml_runs_no_code_from_configuration() -> None:
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = yaml.safe_load(text)  # a !!python tag would make this fail
    assert "hooks" not in config
    assert "!!python" not in text and "!ENV" not in text
    assert "CC BY 4.0" in config["copyright"]
    assert config["repo_url"] and config["edit_uri"]


# --- GitHub annotations ---

ANNOTATION = re.compile(
    r"^::(?P<kind>error|warning) file=(?P<file>[^,:\r\n]*),line=(?P<line>[1-9][0-9]*),"
    r"title=(?P<title>[^,:\r\n]*)::(?P<message>[^\r\n]*)$"
)


def unescape_data(text: str) -> str:
    return re.sub(r"%(0D|0A|25)", lambda m: {"0D": "\r", "0A": "\n", "25": "%"}[m.group(1)], text)


def unescape_property(text: str) -> str:
    return unescape_data(re.sub(r"%(3A|2C)", lambda m: {"3A": ":", "2C": ","}[m.group(1)], text))


def test_format_github_escapes_properties_and_data_as_github_does() -> None:
    problem = Problem("cases/a,b:c%d.md", 7, "E104", "unknown mechanism 'x%y\r\nz' ::add-mask::secret\x1b[31m")
    line = format_github(problem)
    assert line == (
        "::error file=cases/a%2Cb%3Ac%25d.md,line=7,title=E104::"
        "unknown mechanism 'x%25y\\x0d\\x0az' ::add-mask::secret\\x1b[31m"
    )
    match = ANNOTATION.match(line)
    assert match is not None
    assert unescape_property(match["file"]) == "cases/a,b:c%d.md"
    assert unescape_data(match["message"]) == safe_text(problem.message)
    warning = format_github(Problem("cases/x.md", 3, "W202", "placeholder", Severity.WARNING))
    assert warning == "::warning file=cases/x.md,line=3,title=W202::placeholder"


HOSTILE = """---
title: "Hostile"
summary: "A synthetic case for testing that hostile values cannot forge workflow commands."
type: "profile"
status: "draft"
countries: ["NO"]
policy_areas: ["health"]
mechanisms: ["x\\n::add-mask::leak", "y\\r\\n::error file=cases/z.md,line=1::forged", "\\t[31mred%0A", "a::b,c:d"]
period:
  start: 2001
authors: ["Synthetic"]
---

Synthetic text.
"""


def test_validate_format_github_output_is_well_formed_for_hostile_content(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", {"no-hostile.md": HOSTILE, "a,b:c.md": "---\n"}, keep_fixture_cases=False)
    result = casebook("validate", "--format", "github", cwd=site)
    assert result.returncode == 1
    lines = result.stdout.split("\n")
    assert lines[-1] == ""
    lines = lines[:-1]
    assert len(lines) == 6, result.stdout  # five errors and a word-count warning
    for line in lines:
        match = ANNOTATION.match(line)
        assert match is not None, f"not a GitHub annotation: {line!r}"
        assert not any(unicodedata.category(ch) == "Cc" for ch in line), repr(line)
    parsed = [ANNOTATION.match(line) for line in lines]
    files = sorted({unescape_property(m["file"]) for m in parsed if m})
    assert files == ["cases/a,b:c.md", "cases/no-hostile.md"]
    by_title = sorted((m["title"], unescape_data(m["message"])) for m in parsed if m)
    messages = [message for title, message in by_title if title == "E104"]
    for value in ("\\t[31mred%0A", "x\\x0a::add-mask::leak", "y\\x0d\\x0a::error file=cases/z.md,line=1::forged"):
        assert any(message.startswith(f"unknown mechanism '{value}'") for message in messages), (value, messages)
    assert {t for t, _ in by_title} == {"E104", "E110", "W201"}
    # Every line starts a single workflow command of our own; nothing else starts with '::'.
    assert all(line.startswith(("::error ", "::warning ")) for line in lines)
    # Lines point at the exact front-matter line of each hostile value.
    assert {m["line"] for m in parsed if m and m["title"] == "E104"} == {"8"}


# --- Pull-request template and issue forms ---


def test_pull_request_template_has_a_checklist_and_a_code_change_flag() -> None:
    text = (REPO / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    boxes = re.findall(r"^- \[ \] (.+)$", text, re.M)
    assert len(boxes) >= 5
    flag = next(b for b in boxes if "This PR changes code" in b)
    for path in ("mkdocs.yml", "src/", ".github/", "scripts/", "Makefile"):
        assert path in flag
    assert "casebook validate --strict" in text


ISSUE_FIELD_TYPES = {"markdown", "input", "textarea", "dropdown", "checkboxes"}


@pytest.mark.parametrize("name", ["propose-case.yml", "report-problem.yml"])
def test_issue_forms_follow_githubs_form_schema(name: str) -> None:
    form = load_yaml(REPO / ".github" / "ISSUE_TEMPLATE" / name)
    assert set(form) <= {"name", "description", "title", "labels", "assignees", "body", "projects", "type"}
    assert form["name"] and form["description"] and form["body"]
    ids = [item["id"] for item in form["body"] if "id" in item]
    assert len(ids) == len(set(ids))
    assert any(item["type"] != "markdown" for item in form["body"])
    for item in form["body"]:
        assert item["type"] in ISSUE_FIELD_TYPES
        attributes = item["attributes"]
        if item["type"] == "markdown":
            assert attributes["value"].strip()
        else:
            assert attributes["label"].strip() and re.fullmatch(r"[a-z][a-z0-9-]*", item["id"])
        if item["type"] == "dropdown":
            assert attributes["options"]
        if item["type"] == "checkboxes":
            assert all(option["label"] for option in attributes["options"])
    if name == "propose-case.yml":
        labels = " ".join(i["attributes"].get("label", "") for i in form["body"]).lower()
        for word in ("country", "mechanism", "sources", "period"):
            assert word in labels


def test_issue_template_config_points_to_contributing() -> None:
    config = load_yaml(REPO / ".github" / "ISSUE_TEMPLATE" / "config.yml")
    assert config["blank_issues_enabled"] is False
    assert any(link["url"].endswith("/CONTRIBUTING.md") for link in config["contact_links"])


# --- pre-commit and editor settings ---


def test_pre_commit_config_runs_the_validator_on_changed_cases(tmp_path: Path) -> None:
    config = load_yaml(REPO / ".pre-commit-config.yaml")
    hooks = {hook["id"]: (repo, hook) for repo in config["repos"] for hook in repo["hooks"]}
    for hook_id in ("check-yaml", "end-of-file-fixer", "trailing-whitespace", "ruff", "casebook-validate"):
        assert hook_id in hooks
    for repo, _ in hooks.values():
        if repo["repo"] != "local":
            assert re.fullmatch(r"[0-9a-f]{40}", repo["rev"])
    _, validate = hooks["casebook-validate"]
    assert validate["language"] == "system"
    pattern = re.compile(validate["files"])
    # pre-commit matches the pattern with re.search against each changed file's path.
    for changed in ("cases/no-x.md", "briefs/synthetic-brief.md", "bibliography.bib"):
        assert pattern.search(changed), changed
    for unchanged in ("docs/index.md", "docs/bibliography.bib", "bibliography.bib.orig", "src/casebook/cli.py"):
        assert not pattern.search(unchanged), unchanged
    entry = shlex.split(validate["entry"])
    assert entry[0] == ".venv/bin/casebook"
    # Run the hook's command as pre-commit would: with the changed case files appended.
    site = make_site(tmp_path / "s")
    good = casebook(*entry[1:], "cases/no-coordination-minister.md", cwd=site)
    assert good.returncode == 0, good.stdout + good.stderr
    text = (site / "cases/no-coordination-minister.md").read_text()
    (site / "cases/no-coordination-minister.md").write_text(text.replace("countries: [NO]", 'countries: ["Norway"]'))
    bad = casebook(*entry[1:], "cases/no-coordination-minister.md", cwd=site)
    assert bad.returncode == 1 and "cases/no-coordination-minister.md:" in bad.stdout
    assert "did you mean 'NO'?" in bad.stdout
    # A commit that changes only the bibliography runs the hook on it, and a broken entry fails it.
    (site / "cases/no-coordination-minister.md").write_text(text)
    (site / "bibliography.bib").write_text("@book{doe2020, title={A Book}, author={Doe, Jane}, year={2020}}\n")
    assert casebook(*entry[1:], "bibliography.bib", cwd=site).returncode == 0
    (site / "bibliography.bib").write_text("@book{doe2020, title={A Book\n")
    broken = casebook(*entry[1:], "bibliography.bib", cwd=site)
    assert broken.returncode == 1 and "bibliography.bib:1: E302" in broken.stdout and "E114" not in broken.stdout
    # The first run downloads the remote hooks: the file and CONTRIBUTING.md say so.
    assert "network" in (REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8").split("repos:")[0]
    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    pre_commit = guide[guide.index("## pre-commit"):guide.index("## Security")]
    assert "needs the network" in pre_commit and "bibliography.bib" in pre_commit and "briefs" in pre_commit


def test_vscode_settings_map_the_case_schema_and_match_validator_output(tmp_path: Path) -> None:
    vscode = REPO / ".vscode"
    extensions = json.loads((vscode / "extensions.json").read_text())
    assert "redhat.vscode-yaml" in extensions["recommendations"]
    settings = json.loads((vscode / "settings.json").read_text())
    schemas = settings["yaml.schemas"]
    assert list(schemas) == ["./src/casebook/schema/case.schema.json"]
    assert (REPO / "src/casebook/schema/case.schema.json").is_file()
    tasks = json.loads((vscode / "tasks.json").read_text())["tasks"]
    matcher = tasks[0]["problemMatcher"]["pattern"]
    # VS Code's regexps are JavaScript's; this one uses only syntax Python shares.
    regexp = re.compile(matcher["regexp"])
    site = make_site(tmp_path / "s")
    text = (site / "cases/no-coordination-minister.md").read_text()
    text = text.replace("countries: [NO]", 'countries: ["no"]') + "\nTODO: later\n"
    (site / "cases/no-coordination-minister.md").write_text(text)
    output = casebook("validate", "cases/no-coordination-minister.md", cwd=site).stdout.splitlines()
    assert output
    seen = set()
    for line in output:
        match = regexp.match(line)
        assert match, line
        assert match[matcher["file"]] == "cases/no-coordination-minister.md"
        assert int(match[matcher["line"]]) >= 1
        seen.add((match[matcher["code"]], match[matcher["severity"]]))
    assert ("E106", None) in seen and ("W202", "warning") in seen


# --- Engines ---


def _pins() -> dict[str, str]:
    lines = (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines()
    return {name.lower(): version for name, _, version in (line.partition("==") for line in lines if "==" in line)}


def test_the_readmes_engines_section_states_the_pins() -> None:
    """A fresh install cannot pull MkDocs 2, and the versions the README names are the ones pinned."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.version import Version

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = {Requirement(r).name: Requirement(r) for r in project["dependencies"]}
    assert not requirements["mkdocs"].specifier.contains(Version("2.0")), "mkdocs needs an upper bound below 2"
    assert not requirements["mkdocs"].specifier.contains(Version("2.0.0a1"), prereleases=True)
    assert not requirements["mkdocs-material"].specifier.contains(Version("10.0"))
    dev = {Requirement(r).name: Requirement(r) for r in project["optional-dependencies"]["dev"]}
    pins = _pins()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    engines = readme[readme.index("## Engines"):readme.index("\n## ", readme.index("## Engines") + 1)]
    for name, shown in (("mkdocs", "MkDocs"), ("mkdocs-material", "Material"), ("properdocs", "ProperDocs"),
                        ("zensical", "Zensical")):
        assert f"{shown} {pins[name]}" in engines, name
        assert requirements.get(name, dev.get(name)) is not None
        assert requirements[name].specifier.contains(pins[name]) if name in requirements \
            else str(dev[name].specifier) == f"=={pins[name]}"
    assert "NO_MKDOCS_2_WARNING=1" in engines and "export NO_MKDOCS_2_WARNING := 1" in \
        (REPO / "Makefile").read_text(encoding="utf-8")


# --- Licences, citation, changelog ---


def test_licences_citation_and_changelog() -> None:
    assert (REPO / "LICENSE").read_text().startswith("MIT License")
    content = (REPO / "LICENSE-content.md").read_text()
    assert "CC BY 4.0" in content and "https://creativecommons.org/licenses/by/4.0/" in content
    assert (REPO / "CHANGELOG.md").read_text().startswith("# Changelog")
    cff = load_yaml(REPO / "CITATION.cff")
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors"):
        assert cff[key]
    assert cff["type"] == "dataset"
    assert cff["license"] == "CC-BY-4.0"
    # No invented people: the catalogue's editors as an entity.
    assert cff["authors"] == [{"name": "Casebook editors"}]
    allowed = {
        "cff-version", "message", "title", "type", "authors", "abstract", "license", "repository-code", "url",
        "keywords", "version", "date-released", "doi", "identifiers", "references", "preferred-citation",
        "contact", "license-url", "repository", "repository-artifact", "commit",
    }
    assert set(cff) <= allowed
    assert re.fullmatch(r"https://\S+", cff["repository-code"])
    config = load_yaml(REPO / "mkdocs.yml")
    assert cff["url"] == config["site_url"]
    assert cff["repository-code"] == config["repo_url"]


# --- CONTRIBUTING.md ---


def problem_codes() -> set[str]:
    codes: set[str] = set()
    for path in sorted((REPO / "src" / "casebook").rglob("*.py")):
        codes |= set(re.findall(r"[\"']([EW]\d{3})[\"']", path.read_text(encoding="utf-8")))
    return codes


def test_contributing_explains_every_problem_code() -> None:
    codes = problem_codes()
    assert {"E001", "E012", "E104", "E120", "W202"} <= codes  # the grep finds the codes
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([EW]\d{3})` \| (.+)$", text, re.M))
    missing = sorted(codes - set(rows))
    assert not missing, f"CONTRIBUTING.md does not explain: {', '.join(missing)}"
    stale = sorted(set(rows) - codes)
    assert not stale, f"CONTRIBUTING.md explains codes the validator no longer emits: {', '.join(stale)}"
    for code, row in rows.items():
        meaning, todo = [cell.strip() for cell in row.rstrip(" |").split(" | ")]
        assert meaning and todo, code


def shell_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```$", markdown, re.M | re.S)


def fresh_copy(dest: Path) -> Path:
    """What a contributor's clone holds: the tracked files, nothing built or installed."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    for name in filter(None, tracked):
        source = REPO / name
        if source.is_file() and not source.is_symlink():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    for folder in (".venv", "site"):
        assert not (dest / folder).exists()
    return dest


FILLER = (
    "This synthetic paragraph exists only to test the contributor walk-through; it describes no real "
    "practice and cites no source, and it is long enough that the section reaches a realistic length. "
)


def fill_in(text: str) -> str:
    """Do what CONTRIBUTING.md asks by hand: replace every placeholder with (synthetic) text, and keep the first
    word of each commented coordination list, as its '# TODO:' comment asks."""
    front, body = text.split("\n---\n", 1)
    front = front.replace('"TODO: one paragraph', '"A synthetic case written by the test suite; it is one paragraph')
    front = re.sub(r'"TODO:? ?([^"]*)"', lambda m: json.dumps("Synthetic " + (m[1] or "value")), front)
    front = re.sub(r"^# TODO: coordination.*\n", "", front, flags=re.M)
    front = re.sub(r'^( *)# ?( *\w+:)(?: \[("[^"]*")[^\]]*\])?$',
                   lambda m: m[1] + m[2] + (f" [{m[3]}]" if m[3] else ""), front, flags=re.M)
    paragraph = " ".join([FILLER] * 5)
    body = re.sub(r"^TODO: .*$", "\n\n".join([paragraph] * 3), body, flags=re.M)
    return front + "\n---\n" + body


def test_a_first_time_contributor_gets_a_validated_case_with_the_commands_given(tmp_path: Path) -> None:
    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    commands = [line.strip() for block in shell_blocks(guide) for line in block.splitlines() if line.strip()]
    # The walk-through in order: clone, branch, install, scaffold, validate.
    expected_order = ["git clone ", "git switch -c ", "make install", "casebook new ", "casebook validate --strict "]
    positions = [next(i for i, c in enumerate(commands) if c.startswith(p)) for p in expected_order]
    assert positions == sorted(positions)
    clone = fresh_copy(tmp_path / "casebook")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=clone, check=True)
    makefile = (clone / "Makefile").read_text()
    for command in commands[: positions[-1] + 1]:
        words = shlex.split(command)
        if words[0] == "git" and words[1] in ("clone", "add", "commit", "push"):
            continue  # needs GitHub; the fresh copy stands for the clone
        if words[0] == "cd":
            continue
        if words[0] == "make" or words[0] == "source":
            # Installing would download the pinned packages; the suite runs in that environment already.
            assert words[0] == "source" or re.search(rf"^{words[1]}:", makefile, re.M)
            continue
        if words[0] == "git":
            result = subprocess.run(words, cwd=clone, capture_output=True, text=True)
            assert result.returncode == 0, result.stderr
            continue
        assert words[0] == "casebook", command
        result = casebook(*words[1:], cwd=clone)
        if words[1] == "new":
            assert result.returncode == 0, result.stderr
            slug = words[2]
            case = clone / "cases" / f"{slug}.md"
            assert case.is_file()
            # The skeleton is a valid draft whose placeholders are flagged, as the guide says.
            first = casebook("validate", f"cases/{slug}.md", cwd=clone)
            assert first.returncode == 0, first.stdout
            assert "W202" in first.stdout
            strict = casebook("validate", "--strict", f"cases/{slug}.md", cwd=clone)
            assert strict.returncode == 1
            case.write_text(fill_in(case.read_text(encoding="utf-8")), encoding="utf-8")
            assert "TODO" not in case.read_text(encoding="utf-8")
        else:
            assert words[1:3] == ["validate", "--strict"]
            assert result.returncode == 0, result.stdout + result.stderr
            assert result.stdout == ""
            assert "1 file(s) checked: 0 error(s), 0 warning(s)" in result.stderr
    # The new case also passes with the whole catalogue, as CI checks it.
    whole = casebook("validate", "--format", "github", cwd=clone)
    assert whole.returncode == 0, whole.stdout
    assert f"cases/{slug}.md" not in whole.stdout


def test_ci_run_installs_what_a_clean_debian_lacks_then_runs_make_test(tmp_path: Path) -> None:
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert script.rstrip().endswith("exec make test")
    assert "playwright install" not in script
    # Detect what is missing with the script's own lines, on a PATH holding only python3.
    detect = script[script.index('missing=""'):script.index('if [ -n "$missing" ]')] + 'echo "$missing"\n'
    bare = tmp_path / "bin"
    bare.mkdir()
    (bare / "python3").symlink_to(sys.executable)
    result = subprocess.run(["/bin/sh", "-c", detect], env={"PATH": str(bare)}, capture_output=True, text=True)
    missing = result.stdout.split()
    # The suite needs make, git (it copies the tracked files) and chromium; Debian ships venv apart from Python.
    assert {"make", "git", "chromium"} <= set(missing), result.stdout + result.stderr
    assert all(re.fullmatch(r"[a-z0-9.+-]+", name) for name in missing)


def test_contributing_says_how_to_add_a_source_and_its_example_entry_is_valid(tmp_path: Path) -> None:
    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = guide[guide.index("## Adding a source"):guide.index("## What the validator's messages mean")]
    for needed in ("bibliography.bib", "at the end of the file", "`url`", "`urldate`", "`Lægreid` becomes "
                   "`laegreid2014`", "casebook validate bibliography.bib"):
        assert needed in section, needed
    example = re.search(r"^```bibtex\n(.*?)^```$", section, re.M | re.S)
    assert example is not None
    site = make_site(tmp_path / "s")
    (site / "bibliography.bib").write_text(example[1], encoding="utf-8")
    result = casebook("validate", "--strict", "bibliography.bib", cwd=site)
    assert result.returncode == 0, result.stdout + result.stderr  # no error, and W301 only with --uncited
    # The step-by-step guide points to the section.
    assert "(#adding-a-source)" in guide


def test_contributing_and_the_workflow_state_one_rule_for_published_cases() -> None:
    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "warnings\n(such as a placeholder left to fill in" in guide
    assert "fail in a published\ncase or brief, and a draft may keep them" in guide
    workflow = (WORKFLOWS / "pull-request.yml").read_text(encoding="utf-8")
    step = workflow[workflow.index("# One rule for both checks"):workflow.index("- name: Build the site")]
    assert "published cases and briefs" in step and "a draft may keep warnings" in step
    assert "run: .venv/bin/casebook validate --format github\n" in step  # not --strict: drafts keep warnings


def _held_port() -> tuple[socket.socket, int]:
    """A port on 127.0.0.1 with a listener on it, as another preview would hold it."""
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    return holder, holder.getsockname()[1]


def test_make_serve_takes_a_port_and_a_taken_port_gives_one_line() -> None:
    # '-o .venv/.installed': never reinstall the environment the suite runs in.
    make = ["make", "-o", ".venv/.installed"]
    # As a user runs it, not as a sub-make of 'make test' (which would print "make[1]: Entering directory").
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES")}
    dry = subprocess.run([*make, "-n", "serve", "PORT=8001"], cwd=REPO, capture_output=True, text=True, env=env)
    assert dry.returncode == 0, dry.stderr
    assert re.search(r"mkdocs serve --dev-addr '127\.0\.0\.1:8001'$", dry.stdout, re.M)
    assert re.search(r"scripts/check_port\.py '8001'$", dry.stdout, re.M)
    default = subprocess.run([*make, "-n", "serve"], cwd=REPO, capture_output=True, text=True, env=env)
    assert "--dev-addr '127.0.0.1:8000'" in default.stdout
    holder, port = _held_port()
    with holder:
        taken = subprocess.run([*make, "serve", f"PORT={port}"], cwd=REPO, capture_output=True, text=True,
                               timeout=120, env=env)
    assert taken.returncode != 0 and taken.stdout == ""
    ours = [line for line in taken.stderr.splitlines() if not line.startswith("make: ***")]
    assert ours == [f"make serve: port {port} on 127.0.0.1 is in use (another 'make serve' or 'mkdocs serve'?): "
                    f"stop it, or choose another port: make serve PORT={port + 1}"], taken.stderr
    wrong = subprocess.run([sys.executable, "scripts/check_port.py", "80a"], cwd=REPO, capture_output=True, text=True)
    assert wrong.returncode == 1 and wrong.stderr.count("\n") == 1 and "is not a port number" in wrong.stderr


@pytest.mark.build
def test_make_serve_serves_on_the_port_given(tmp_path: Path) -> None:
    holder, port = _held_port()
    holder.close()  # a free port, found by the system
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    process = subprocess.Popen(["make", "-o", ".venv/.installed", "serve", f"PORT={port}"], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        page = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/contribute/", timeout=5) as response:
                    page = response.read().decode("utf-8")
                    break
            except OSError:
                time.sleep(1)
        assert page is not None and "casebook new" in page
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.communicate(timeout=60)
