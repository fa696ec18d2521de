"""A real ``mkdocs build --strict`` of the fixture site."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import FIXTURES, build, make_site

pytestmark = pytest.mark.build


def test_fixture_site_builds_with_a_page_per_published_case(site: Path) -> None:
    result = build(site)
    assert result.returncode == 0, result.stderr
    out = site / "site"
    norway = (out / "cases/no-coordination-minister/index.html").read_text()
    assert "A coordination minister for cross-cutting reforms" in norway
    assert 'href="../../countries/no/"' in norway
    assert "Norway" in norway
    assert "https://github.com/example/casebook/edit/main/cases/no-coordination-minister.md" in norway
    assert (out / "cases/mx-social-programme/index.html").is_file()
    # Drafts are not built.
    assert not (out / "cases/gt-draft-case").exists()
    assert "zanzibarquux" not in "".join(p.read_text(errors="replace") for p in out.rglob("*.html"))
    # Nothing is written into docs/.
    assert sorted(p.name for p in (site / "docs").iterdir()) == ["index.md"]


def test_an_invalid_case_fails_the_strict_build_naming_file_and_line(tmp_path: Path) -> None:
    bad = (FIXTURES / "site/cases/mx-social-programme.md").read_text()
    bad = bad.replace('mechanisms: ["cross-sectoral-programme", "inter-agency-unit"]', 'mechanisms: ["one-stop"]')
    site = make_site(tmp_path / "s", {"mx-social-programme.md": bad})
    result = build(site)
    assert result.returncode != 0
    expected = "cases/mx-social-programme.md:8: E104 unknown mechanism 'one-stop' (did you mean 'one-stop-shop'?)"
    assert expected in result.stderr


def test_hostile_title_is_escaped_in_the_case_page(tmp_path: Path) -> None:
    text = (FIXTURES / "site/cases/mx-social-programme.md").read_text()
    hostile = text.replace(
        'title: "A cross-sectoral social programme"',
        'title: "<script>alert(1)</script> | [x](javascript:y) </title><b>"',
    )
    site = make_site(tmp_path / "s", {"mx-social-programme.md": hostile})
    result = build(site)
    assert result.returncode == 0, result.stderr
    html = (site / "site/cases/mx-social-programme/index.html").read_text()
    assert "<script>alert(1)" not in html
    assert "</title><b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
