"""``casebook export``: the data files and the whole site as plain Markdown that builds without the plugin."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from casebook.catalogue import Settings, load_catalogue
from casebook.core.escape import markdown_entities as markdown_text
from casebook.core.frontmatter import read_document
from casebook.export.portable import (
    MARKDOWN_EXTENSIONS,
    front_matter,
    markdown_citations,
    write_portable_site,
    yaml_value,
)
from support import build, casebook, make_site
from support.content import BRIEF

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
It cites a book [@doe2020, p. 3; @doe2020, p. 5; @roe2019], not in code: `[@doe2020]`, nor escaped: \\[@roe2019].
"""

HOSTILE_TITLE = '<script>alert("cb-xss")</script><img src=x onerror=cbxss()>'
HOSTILE = (
    TRICKY.replace(TRICKY.splitlines()[1], f"title: {json.dumps(HOSTILE_TITLE)}")
    .replace('countries: [NO]', 'countries: ["SE"]')
)

BIB = """@book{doe2020, title={A Synthetic Book}, author={Doe, Jane}, year={2020}, publisher={Fixture Press}}
@article{roe2019, title={A Synthetic Article}, author={Roe, Richard}, year={2019}, journal={Fixture Journal}}
@misc{uncited2001, title={Nobody Cites This}, author={Moe, Max}, year={2001}}
"""

ABOUT = """---
title: About the fixture
---

# About

A hand-written page citing a source [@roe2019] and linking [home](index.md).
"""



@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The fixture site with citations, a brief and a hostile title, exported and built with plain MkDocs."""
    root = tmp_path_factory.mktemp("export")
    site = make_site(root / "s", {"no-tricky-values.md": TRICKY, "se-hostile.md": HOSTILE})
    (site / "bibliography.bib").write_text(BIB, encoding="utf-8")
    (site / "docs" / "about.md").write_text(ABOUT, encoding="utf-8")
    (site / "briefs").mkdir()
    (site / "briefs" / "synthetic-brief.md").write_text(BRIEF, encoding="utf-8")
    out = root / "out"
    result = casebook("export", "--out", str(out), cwd=site)
    assert result.returncode == 0, result.stderr
    built = build(out / "site-src")
    assert built.returncode == 0, built.stderr
    assert "casebook" not in built.stderr
    return site, out / "site-src"


#: The path of the fixture's site_url, which the portable site's generated links start from.
ROOT = "/casebook/"


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        for name in ("href", "src"):
            if found.get(name):
                self.hrefs.append(str(found[name]))


def _parse(path: Path) -> _Refs:
    parser = _Refs()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.mark.build
def test_export_writes_the_data_files_and_a_site_that_plain_mkdocs_builds(exported: tuple[Path, Path]) -> None:
    site, out = exported
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "LICENSE.txt", "bibliography.bib", "case.schema.json", "cases.csv", "cases.json", "site-src",
    ]
    config = yaml.safe_load((out / "mkdocs.yml").read_text())
    assert config["plugins"] == ["search"] and config["theme"]["name"] == "material"
    docs = sorted(p.relative_to(out / "docs").as_posix() for p in (out / "docs").rglob("*") if p.is_file())
    for expected in (
        "index.md", "about.md", "bibliography.md", "matrix.md", "cases/index.md", "cases/no-tricky-values.md",
        "countries/index.md", "countries/no.md", "mechanisms/index.md", "mechanisms/coordination-post.md",
        "policy-areas/index.md", "policy-areas/central-government.md", "briefs/index.md",
        "briefs/synthetic-brief.md", "data/index.md", "data/codebook.md", "data/cases.csv", "data/LICENSE.txt",
        "feed.xml", "explore/index.md", "assets/casebook/casebook.css", "explore/cite.json", "compare/index.md",
        "compare/cases.json", "assets/casebook/compare.js", "assets/casebook/explore-select.js",
        "assets/casebook/dom.js",
    ):
        assert expected in docs, expected
    assert not any("gt-draft-case" in d for d in docs)  # drafts are left out
    built = out / "site"
    for page in ("countries/no/", "cases/no-tricky-values/", "bibliography/", "briefs/synthetic-brief/",
                 "matrix/", "data/codebook/", "about/", "compare/"):
        assert (built / page / "index.html").is_file(), page


@pytest.mark.build
def test_every_link_in_the_plain_build_resolves(exported: tuple[Path, Path]) -> None:
    _, out = exported
    built = out / "site"
    pages = {p: _parse(p) for p in built.rglob("*.html")}
    checked = 0
    for path, parsed in pages.items():
        for href in parsed.hrefs:
            if re.match(r"^[a-z]+:|^#", href):
                continue  # other sites
            target, _, fragment = href.partition("#")
            target = target.partition("?")[0]  # "Compare with…" links to /compare/?cases=<slug>
            # Generated links are written from the site's root, the path of the fixture's site_url (rooted.py).
            assert not target.startswith("/") or target.startswith(ROOT), f"{path.relative_to(built)}: {href}"
            if target.startswith(ROOT):
                resolved = (built / target[len(ROOT):]).resolve()
            else:
                resolved = (path.parent / target).resolve() if target else path
            if resolved.is_dir():
                resolved = resolved / "index.html"
            assert resolved.is_file(), f"{path.relative_to(built)}: {href}"
            if fragment and resolved.suffix == ".html":
                assert fragment in pages[resolved].ids, f"{path.relative_to(built)}: {href}"
            checked += 1
    assert checked > 500


@pytest.mark.build
def test_case_page_has_rendered_citations_and_its_references(exported: tuple[Path, Path]) -> None:
    _, out = exported
    page = (out / "site/cases/no-tricky-values/index.html").read_text()
    assert (
        '<span class="cb-citation">(<a href="/casebook/bibliography/#doe2020">Doe 2020, p. 3</a>; '
        '<a href="/casebook/bibliography/#doe2020">p. 5</a>; <a href="/casebook/bibliography/#roe2019">Roe 2019</a>)'
        '</span>'
    ) in page
    assert "<code>[@doe2020]</code>" in page and "[@roe2019]" in page  # code and escaped brackets stay
    references = page[page.index('id="references"'):]
    references = references[: references.index("</ul>")]
    assert references.index('data-key="roe2019"') > references.index('data-key="doe2020"')
    assert "A Synthetic Book" in references and "uncited2001" not in references
    bibliography = (out / "site/bibliography/index.html").read_text()
    for key in ("doe2020", "roe2019", "uncited2001"):
        assert f'id="{key}"' in bibliography
    cited_by = bibliography[bibliography.index('id="roe2019"'):]
    cited_by = cited_by[: cited_by.index("</li>")]
    assert 'href="/casebook/cases/no-tricky-values/"' in cited_by and 'href="/casebook/about/"' in cited_by
    about = (out / "site/about/index.html").read_text()
    # The citation is a Markdown link on a hand-written page (relative); its References list is generated (rooted).
    assert 'href="../bibliography/#roe2019">Roe 2019</a>' in about and 'id="references"' in about
    assert "About the fixture" in about.split("<title>")[1].split("</title>")[0]


@pytest.mark.build
def test_country_page_and_generated_pages_match_the_plugin(exported: tuple[Path, Path]) -> None:
    site, out = exported
    norway = (out / "site/countries/no/index.html").read_text()
    assert 'href="/casebook/cases/no-tricky-values/"' in norway
    assert 'href="/casebook/cases/no-coordination-minister/"' in norway
    assert 'id="by-mechanism"' in norway
    home = (out / "site/index.html").read_text()
    assert "cases from" in home and 'href="/casebook/cases/no-tricky-values/"' in home
    countries = (out / "site/countries/index.html").read_text()
    assert "<svg" in countries  # the map, filled in as the plugin does


@pytest.mark.build
def test_hostile_title_is_never_markup_in_the_plain_build(exported: tuple[Path, Path]) -> None:
    _, out = exported
    built = out / "site"
    for path in built.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".js"):  # cases.csv is data, not markup
            data = path.read_text(encoding="utf-8", errors="replace")
            assert '<script>alert("cb-xss")' not in data, path
            assert "<img src=x onerror" not in data, path
    page = (built / "cases/se-hostile/index.html").read_text()
    title = page.split("<title>")[1].split("</title>")[0]
    assert title.startswith("&lt;script&gt;alert(") and "<" not in title
    header = (out / "docs/cases/se-hostile.md").read_text().split("---\n")[1]
    assert yaml.safe_load(header)["title"] == html.escape(HOSTILE_TITLE, quote=True)
    assert "&lt;script&gt;" in (built / "countries/se/index.html").read_text()


@pytest.mark.build
def test_front_matter_reads_back_to_the_validated_values(exported: tuple[Path, Path]) -> None:
    site, out = exported
    catalogue = load_catalogue(Settings(root=site))
    for case in catalogue.published:
        data = (out / "docs/cases" / f"{case.slug}.md").read_bytes()
        text = data.decode("utf-8")
        block = text.split("---\n")[1]
        expected = {"case": case.meta, "title": html.escape(case.title, quote=True)}
        assert yaml.safe_load(block) == expected  # YAML 1.1, as MkDocs reads it
        assert {k: json.loads(v) for k, v in (line.split(": ", 1) for line in block.splitlines())} == expected
        # The project's strict reader takes the front-matter too (the page below it is generated Markdown).
        doc = read_document(("---\n" + block + "---\n").encode("utf-8"), f"cases/{case.slug}.md")
        assert doc.problems == [] and doc.meta == expected
        # The body is there as the plugin's site shows it: rendered and sanitized (see portable_body.py).
        first = re.sub(r"<[^>]+>", "", markdown.markdown(case.body.strip().splitlines()[0]))
        assert html.escape(html.unescape(first), quote=False)[:40] in text
    tricky = (out / "docs/cases/no-tricky-values.md").read_text().split("---\n")[1]
    assert '"countries": ["NO"]' in tricky
    assert 'title: "NO: yes, 2007-01-01 &amp; &lt;b&gt;bold&lt;/b&gt;' in tricky
    assert "\\u2028" in tricky and "\u2028" not in tricky and "\ufeff" not in tricky
    brief = yaml.safe_load((out / "docs/briefs/synthetic-brief.md").read_text().split("---\n")[1])
    assert set(brief) == {"brief", "title"}


def test_export_refuses_a_foreign_site_src_and_replaces_its_own(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    out = tmp_path / "out"
    (out / "site-src").mkdir(parents=True)
    (out / "site-src" / "keep.txt").write_text("mine")
    result = casebook("export", "--out", str(out), cwd=site)
    assert result.returncode == 1 and "was not written by 'casebook export'" in result.stderr
    assert sorted(p.name for p in out.rglob("*")) == ["keep.txt", "site-src"]
    (out / "site-src" / "keep.txt").unlink()
    assert casebook("export", "--out", str(out), cwd=site).returncode == 0
    (site / "cases" / "mx-social-programme.md").unlink()  # a case removed: its page must not linger
    stale = out / "site-src" / "docs" / "cases" / "mx-social-programme.md"
    assert stale.is_file()
    result = casebook("export", "--out", str(out), cwd=site)
    assert result.returncode == 0, result.stderr
    assert not stale.exists() and (out / "site-src" / "docs" / "cases" / "no-coordination-minister.md").is_file()


def test_export_refuses_a_catalogue_with_errors_and_keeps_quiet_about_uncited_entries(tmp_path: Path) -> None:
    broken = make_site(tmp_path / "b", {"no-broken.md": "---\ntitle: [\n---\n"})
    result = casebook("export", "--out", str(tmp_path / "new"), cwd=broken)
    assert result.returncode == 1
    assert "cases/no-broken.md:2: E012" in result.stderr
    assert not (tmp_path / "new").exists()
    site = make_site(tmp_path / "s")
    (site / "bibliography.bib").write_text("@book{key2020, title={A Book}, author={Doe, Jane}, year={2020}}\n")
    result = casebook("export", "--out", str(tmp_path / "out"), cwd=site)
    assert result.returncode == 0, result.stderr
    assert "W301" not in result.stderr and result.stderr == ""


def test_a_generated_page_clashing_with_a_hand_written_one_is_refused(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    (site / "docs" / "matrix.md").write_text("# Mine\n")
    result = casebook("export", "--out", str(tmp_path / "out"), cwd=site)
    assert result.returncode == 1 and "generated page 'matrix.md' clashes with 'docs/matrix.md'" in result.stderr
    assert not (tmp_path / "out").exists()


def test_write_portable_site_is_deterministic(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    catalogue = load_catalogue(Settings(root=site))
    first = write_portable_site(catalogue, tmp_path / "a")
    second = write_portable_site(catalogue, tmp_path / "b")
    assert [p.relative_to(tmp_path / "a") for p in first] == [p.relative_to(tmp_path / "b") for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()


def test_markdown_citations_render_like_the_plugin_and_leave_code_and_html_alone() -> None:
    labels = {"a": "Doe 2020", "b": "Roe & Co 2019"}
    text = (
        "See [@a, p. 3; @a, p. 4; @b] and [@missing].\n\n"
        "`[@a]` and \\[@a] and [@a](link.md) stay.\n\n"
        "```\n[@a]\n```\n\n"
        '<div class="x">\n[@a]\n</div>\n\n'
        "<!-- [@a] -->\n"
    )
    out = markdown_citations(text, labels, "cases/x.md")
    assert out.startswith(
        'See <span class="cb-citation">([Doe 2020, p. 3](../bibliography.md#a); [p. 4](../bibliography.md#a); '
        "[Roe &#38; Co 2019](../bibliography.md#b))</span> and "
        '<span class="cb-citation">(&#64;missing)</span>.'
    )
    rest = out.split("\n", 1)[1]
    assert rest == text.split("\n", 1)[1]
    single = markdown_citations("[@a]", labels, "index.md")
    assert single == '<span class="cb-citation">([Doe 2020](bibliography.md#a))</span>'


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(json_values)
def test_yaml_value_is_json_that_yaml_reads_back_unchanged(value: Any) -> None:
    line = yaml_value(value)
    assert "\n" not in line and "\r" not in line
    assert json.loads(line) == value
    assert yaml.safe_load(line) == value


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(st.dictionaries(st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True), json_values, max_size=5))
def test_front_matter_block_reads_back_unchanged(meta: dict[str, Any]) -> None:
    block = front_matter(meta)
    assert block.startswith("---\n") and block.endswith("---\n")
    loaded = yaml.safe_load(block[4:-4]) if meta else None
    assert loaded == (meta or None)


link_text = st.text(
    alphabet=st.characters(exclude_categories=("Cc", "Cs", "Co", "Cn", "Cf", "Zl", "Zp", "Zs")), min_size=1, max_size=40
)


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
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
