"""Shared helpers: fixture sites copied into tmp_path and built with the real MkDocs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def make_site(dest: Path, cases: dict[str, str | bytes] | None = None, *, keep_fixture_cases: bool = True) -> Path:
    """Copy the fixture site (and the real taxonomy) to ``dest``; add or replace case files."""
    shutil.copytree(FIXTURES / "site", dest)
    shutil.copytree(REPO / "taxonomy", dest / "taxonomy")
    if not keep_fixture_cases:
        for path in (dest / "cases").glob("*.md"):
            path.unlink()
    for name, content in (cases or {}).items():
        target = dest / "cases" / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return dest


def run_mkdocs(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", NO_MKDOCS_2_WARNING="1", PYTHONWARNINGS="ignore::DeprecationWarning")
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *args],
        cwd=site, env=env, capture_output=True, text=True, timeout=600,
    )


def build(site: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_mkdocs(site, "build", "--strict", *extra)


def casebook(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "casebook.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")
