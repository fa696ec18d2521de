"""``casebook portable``: the published cases as plain Markdown that builds without the plugin."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from casebook.catalogue import Settings, load_catalogue
from casebook.frontmatter import read_document
from casebook.portable import MARKDOWN_EXTENSIONS, front_matter, markdown_text, write_portable_site, yaml_value
from conftest import build, casebook, make_site

TRICKY = """---
title: "NO: yes, 2007-01-01 & <b>bold</b> [link](x) *star* # not a heading"
summary: "Synthetic fixture with values YAML 1.1 would misread: NO, 0x7E3, 2007-01-01, ~, and a quote \\" here."
type: "profile"
status: "published"
countries: [NO]
policy_areas: ["central-government"]
mechanisms: ["coordination-post"]
period:
  start: 2006
organisations:
  - name: "Sámediggi \\u2028 line separator and \\ufeff BOM"
    acronym: "null"
    role: "on"
authors: ["Test Author"]
lessons: ["yes or no", "0x7E3 value", "- dash item", "key: value"]
---

Synthetic text for the portable export test: it has **Markdown** and a [relative link](no-coordination-minister.md).
"""


@pytest.fixture(scope="module")
def portable(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("portable")
    site = make_site(root / "s", {"no-tricky-values.md": TRICKY})
    out = root / "out"
    result = casebook("portable", "--out", str(out), cwd=site)
    assert result.returncode == 0, result.stderr
    return site, out


def test_portable_site_builds_with_plain_mkdocs_and_no_plugin(portable: tuple[Path, Path]) -> None:
    site, out = portable
    config = yaml.safe_load((out / "mkdocs.yml").read_text())
    assert config["plugins"] == ["search"]
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == [
        "docs/cases/mx-social-programme.md", "docs/cases/no-coordination-minister.md",
        "docs/cases/no-tricky-values.md", "docs/index.md", "mkdocs.yml",
    ]  # the draft is not exported
    result = build(out)
    assert result.returncode == 0, result.stderr
    assert "casebook" not in result.stderr
    page = (out / "site/cases/no-tricky-values/index.html").read_text()
    assert "<b>bold</b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "<strong>Markdown</strong>" in page
    assert 'href="../no-coordination-minister/"' in page
    index = (out / "site/index.html").read_text()
    assert 'href="cases/no-tricky-values/"' in index
    assert "&#60;b&#62;bold&#60;&#47;b&#62;" in (out / "docs/index.md").read_text()
    assert "<b>" not in index


def test_front_matter_reads_back_to_the_validated_values(portable: tuple[Path, Path]) -> None:
    site, out = portable
    catalogue = load_catalogue(Settings(root=site))
    for case in catalogue.published:
        data = (out / "docs/cases" / f"{case.slug}.md").read_bytes()
        text = data.decode("utf-8")
        block = text.split("---\n")[1]
        expected = {"case": case.meta, "title": html.escape(case.title, quote=True)}
        assert yaml.safe_load(block) == expected  # YAML 1.1, as MkDocs reads it
        assert {k: json.loads(v) for k, v in (line.split(": ", 1) for line in block.splitlines())} == expected
        doc = read_document(data, f"cases/{case.slug}.md")  # and the project's strict reader
        assert doc.problems == [] and doc.meta == expected
        assert doc.body.strip() == case.body.strip()
    tricky = (out / "docs/cases/no-tricky-values.md").read_text()
    assert '"countries": ["NO"]' in tricky
    assert 'title: "NO: yes, 2007-01-01 &amp; &lt;b&gt;bold&lt;/b&gt;' in tricky
    assert "\\u2028" in tricky and "\u2028" not in tricky and "\ufeff" not in tricky


def test_portable_refuses_a_folder_with_files_and_a_catalogue_with_errors(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "keep.txt").write_text("mine")
    result = casebook("portable", "--out", str(taken), cwd=site)
    assert result.returncode == 1
    assert "is not an empty folder" in result.stderr
    assert sorted(p.name for p in taken.iterdir()) == ["keep.txt"]
    broken = make_site(tmp_path / "b", {"no-broken.md": "---\ntitle: [\n---\n"})
    result = casebook("portable", "--out", str(tmp_path / "new"), cwd=broken)
    assert result.returncode == 1
    assert "cases/no-broken.md:2: E012" in result.stderr
    assert not (tmp_path / "new").exists()


def test_portable_keeps_quiet_about_uncited_entries_as_validate_does(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    (site / "bibliography.bib").write_text("@book{key2020, title={A Book}, author={Doe, Jane}, year={2020}}\n")
    result = casebook("portable", "--out", str(tmp_path / "out"), cwd=site)
    assert result.returncode == 0, result.stderr
    assert "W301" not in result.stderr and result.stderr == ""


def test_write_portable_site_is_deterministic(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    catalogue = load_catalogue(Settings(root=site))
    first = write_portable_site(catalogue, tmp_path / "a")
    second = write_portable_site(catalogue, tmp_path / "b")
    assert [p.relative_to(tmp_path / "a") for p in first] == [p.relative_to(tmp_path / "b") for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_yaml_value_is_json_that_yaml_reads_back_unchanged(value: Any) -> None:
    line = yaml_value(value)
    assert "\n" not in line and "\r" not in line
    assert json.loads(line) == value
    assert yaml.safe_load(line) == value


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True), json_values, max_size=5))
def test_front_matter_block_reads_back_unchanged(meta: dict[str, Any]) -> None:
    block = front_matter(meta)
    assert block.startswith("---\n") and block.endswith("---\n")
    loaded = yaml.safe_load(block[4:-4]) if meta else None
    assert loaded == (meta or None)


link_text = st.text(
    alphabet=st.characters(exclude_categories=("Cc", "Cs", "Co", "Cn", "Cf", "Zl", "Zp", "Zs")), min_size=1, max_size=40
)


@settings(max_examples=100, deadline=None)
@given(link_text)
def test_markdown_text_renders_as_the_same_plain_text(text: str) -> None:
    names = [e if isinstance(e, str) else next(iter(e)) for e in MARKDOWN_EXTENSIONS]
    configs = {k: v for e in MARKDOWN_EXTENSIONS if isinstance(e, dict) for k, v in e.items()}
    rendered = markdown.markdown(f"- [{markdown_text(text)}](x.md)", extensions=names, extension_configs=configs)
    match = re.fullmatch(r'<ul>\n<li><a href="x.md">(.*)</a></li>\n</ul>', rendered, re.S)
    assert match is not None, rendered
    inner = match.group(1)
    assert "<" not in inner
    assert html.unescape(inner) == text
