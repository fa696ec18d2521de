"""No file outside the repository is read: links and paths out of the project are refused (E006), never published."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from casebook.catalogue import Settings, load_catalogue
from casebook.core.loader import unsafe_path
from casebook.core.taxonomy import load_taxonomy
from support import REPO, build, casebook, make_site, run_mkdocs

#: Text only the file outside the project holds: it must reach no file the build or the export writes.
SECRET = "OUTSIDE-THE-REPOSITORY-7f3a"
OUTSIDE_BIB = f"@book{{secret2020, title={{{SECRET}}}, author={{Doe, Jane}}, year={{2020}}}}\n"


def _outside(tmp_path: Path, name: str, content: str) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir(exist_ok=True)
    target = folder / name
    target.write_text(content, encoding="utf-8")
    return target


def _written(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]


@pytest.fixture
def linked_bib(tmp_path: Path) -> Path:
    site = make_site(tmp_path / "s")
    (site / "bibliography.bib").symlink_to(_outside(tmp_path, "secret.bib", OUTSIDE_BIB))
    return site


def test_validate_refuses_a_linked_bibliography_naming_it(linked_bib: Path) -> None:
    result = casebook("validate", cwd=linked_bib)
    assert result.returncode == 1
    assert "bibliography.bib:1: E006 symbolic link:" in result.stdout
    assert SECRET not in result.stdout + result.stderr
    catalogue = load_catalogue(Settings(root=linked_bib))
    assert catalogue.bibliography is None  # never read


@pytest.mark.build
def test_build_refuses_a_linked_bibliography_and_publishes_nothing_of_it(linked_bib: Path) -> None:
    strict = build(linked_bib)
    assert strict.returncode != 0
    assert "bibliography.bib:1: E006 symbolic link" in strict.stderr
    # Even a build that goes on (no --strict) publishes nothing of the file.
    lenient = run_mkdocs(linked_bib, "build")
    assert "bibliography.bib:1: E006" in lenient.stderr
    assert (linked_bib / "site" / "index.html").is_file()
    assert not (linked_bib / "site" / "data" / "bibliography.bib").exists()
    assert _written(linked_bib / "site") == []


def test_export_refuses_a_linked_bibliography_and_writes_nothing(linked_bib: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = casebook("export", "--out", str(out), cwd=linked_bib)
    assert result.returncode == 1
    assert "bibliography.bib:1: E006" in result.stderr
    assert not out.exists()


@pytest.mark.build
def test_a_bibliography_setting_that_leads_out_of_the_project_is_refused(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    _outside(tmp_path, "secret.bib", OUTSIDE_BIB)
    config = (site / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("  - casebook\n", "  - casebook:\n      bibliography: ../elsewhere/secret.bib\n")
    (site / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = run_mkdocs(site, "build")
    assert "../elsewhere/secret.bib:1: E006 outside the project:" in result.stderr
    assert _written(site / "site") == []


def test_linked_vocabularies_are_refused(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    real = site / "taxonomy" / "mechanisms.yml"
    moved = _outside(tmp_path, "mechanisms.yml", real.read_text(encoding="utf-8"))
    real.unlink()
    real.symlink_to(moved)
    problems = load_catalogue(Settings(root=site)).problems
    assert [(p.path, p.code) for p in problems if p.code == "E006"] == [("taxonomy/mechanisms.yml", "E006")]
    # The folder itself linked: refused whole, its files unread.
    other = make_site(tmp_path / "t")
    (other / "taxonomy").rename(tmp_path / "elsewhere" / "taxonomy")
    (other / "taxonomy").symlink_to(tmp_path / "elsewhere" / "taxonomy")
    taxonomy, found = load_taxonomy(other / "taxonomy", other)
    assert [(p.path, p.code) for p in found] == [("taxonomy", "E006")] and not taxonomy.mechanisms
    result = casebook("validate", cwd=other)
    assert result.returncode == 1 and "taxonomy:1: E006 symbolic link:" in result.stdout
    result = casebook("schema", cwd=other)
    assert result.returncode == 1 and "taxonomy:1: E006" in result.stderr


@pytest.mark.build
def test_links_in_docs_are_refused_and_not_published(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    (site / "docs" / "leak.txt").symlink_to(_outside(tmp_path, "secret.txt", SECRET))
    (site / "docs" / "page.md").symlink_to(_outside(tmp_path, "page.md", f"# {SECRET}\n"))
    (tmp_path / "elsewhere" / "folder").mkdir()
    (tmp_path / "elsewhere" / "folder" / "inner.md").write_text(f"# {SECRET}\n", encoding="utf-8")
    (site / "docs" / "linked").symlink_to(tmp_path / "elsewhere" / "folder")
    result = casebook("validate", cwd=site)
    assert result.returncode == 1
    for name in ("docs/leak.txt", "docs/linked", "docs/page.md"):
        assert f"{name}:1: E006 symbolic link:" in result.stdout, name
    built = run_mkdocs(site, "build")
    for name in ("docs/leak.txt", "docs/linked", "docs/page.md"):
        assert built.stderr.count(f"{name}:1: E006") == 1, name  # once: the plugin does not repeat the catalogue
    assert _written(site / "site") == []
    assert not (site / "site" / "leak.txt").exists() and not (site / "site" / "linked").exists()


@pytest.mark.build
def test_a_linked_docs_folder_is_refused_whole(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    (site / "docs").rename(tmp_path / "docs")
    (tmp_path / "docs" / "secret.md").write_text(f"# {SECRET}\n", encoding="utf-8")
    (site / "docs").symlink_to(tmp_path / "docs")
    built = run_mkdocs(site, "build")
    assert built.stderr.count("docs:1: E006 symbolic link") == 1
    assert _written(site / "site") == []


def test_a_linked_briefs_folder_is_refused(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    (site / "briefs").symlink_to(tmp_path / "nowhere")  # dangling, too: a link is never taken for "no briefs"
    problems = load_catalogue(Settings(root=site)).problems
    assert [(p.path, p.code) for p in problems] == [("briefs", "E113")]


def test_unsafe_path_checks_every_component_without_following_it(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "real" / "deeper").mkdir(parents=True)
    (root / "linked").symlink_to(root / "real")  # a link inside the project is still a link
    assert unsafe_path(root, root / "real" / "deeper" / "file.md") is None
    assert unsafe_path(root, root / "missing.bib") is None  # need not exist
    assert unsafe_path(root, root / "linked" / "deeper" / "file.md") == ("linked", "symbolic link")
    assert unsafe_path(root, root / ".." / "x.bib") == ("../x.bib", "outside the project")
    assert unsafe_path(root, tmp_path / "x.bib") == ((tmp_path / "x.bib").as_posix(), "outside the project")
    assert unsafe_path(root, root) is None


# --- The workflows publish or preview only a site that built.


def _steps(name: str) -> list[dict[str, Any]]:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_the_pull_request_preview_is_uploaded_only_when_the_build_succeeded() -> None:
    steps = _steps("pull-request.yml")
    build_step = next(s for s in steps if s.get("run") == ".venv/bin/mkdocs build --strict")
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert steps.index(upload) > steps.index(build_step)
    condition = upload.get("if", "success()")
    assert "always()" not in condition and "cancelled()" not in condition and "failure()" not in condition
    assert f"steps.{build_step['id']}.outcome == 'success'" in condition and "success()" in condition


def test_the_published_site_is_uploaded_only_when_the_build_succeeded() -> None:
    steps = _steps("publish.yml")
    build_step = next(s for s in steps if s.get("run") == ".venv/bin/mkdocs build --strict")
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert steps.index(upload) > steps.index(build_step)
    assert upload.get("if", "success()") == "success()"  # the default: every earlier step succeeded
