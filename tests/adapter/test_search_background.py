"""Under `mkdocs serve` the search index is built after the pages, in the background."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from casebook.adapter.pagefind import BUNDLE, BackgroundIndex
from casebook.core.problems import Problem
from support import build, make_site


def bundle_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.build
def test_a_background_index_is_the_index_a_build_writes(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    result = build(site)
    assert result.returncode == 0, result.stderr[-2000:]
    built = site / "site"
    expected = bundle_bytes(built / BUNDLE)
    assert "pagefind-entry.json" in expected
    shutil.rmtree(built / BUNDLE)
    reported: list[Problem] = []
    index = BackgroundIndex(built, reported.append)
    assert index.wait(timeout=300)
    assert reported == [] and index.problems == []
    assert index.seconds is not None
    assert bundle_bytes(built / BUNDLE) == expected


@pytest.mark.build
def test_a_stopped_background_index_reports_nothing_and_leaves_nothing_running(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    assert build(site).returncode == 0
    built = site / "site"
    shutil.rmtree(built / BUNDLE)
    reported: list[Problem] = []
    index = BackgroundIndex(built, reported.append)
    index.stop()
    assert not index.thread.is_alive()
    assert index.process is not None and index.process.poll() is not None
    assert reported == []


def test_a_failing_background_index_is_reported(tmp_path: Path) -> None:
    reported: list[Problem] = []
    index = BackgroundIndex(tmp_path / "no-such-site", reported.append)
    assert index.wait(timeout=120)
    assert [p.code for p in reported] == ["E401"]
