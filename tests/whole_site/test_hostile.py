"""Hostile case files: each has an exact outcome, in the validator and in the real build."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from casebook.catalogue import Settings, load_catalogue
from casebook.core.frontmatter import read_document
from casebook.core.taxonomy import load_taxonomy
from casebook.core.validate import validate_document
from support import REPO, build, make_site, start_tags
from support.hostile import ACCEPTED, BAD_NAMES, BODY_LINE, REJECTED, Hostile, write_bad_names

TAXONOMY, _ = load_taxonomy(REPO / "taxonomy")


def _bytes(content: str | bytes) -> bytes:
    return content if isinstance(content, bytes) else content.encode("utf-8")


def test_the_suite_is_big_enough() -> None:
    assert len(REJECTED) + len(ACCEPTED) + len(BAD_NAMES) >= 50
    names = [h.name for h in REJECTED] + [a.name for a in ACCEPTED] + list(BAD_NAMES)
    assert len(names) == len(set(names))


@pytest.mark.parametrize("hostile", REJECTED, ids=lambda h: h.name)
def test_rejected_file_has_exact_errors(hostile: Hostile) -> None:
    started = time.perf_counter()
    doc = read_document(_bytes(hostile.content), f"cases/{hostile.name}")
    case, problems = validate_document(doc, hostile.name.removesuffix(".md"), TAXONOMY)
    elapsed = time.perf_counter() - started
    assert case is None
    assert sorted((p.line, p.code) for p in problems if p.is_error) == sorted(hostile.errors)
    if hostile.says:
        assert any(hostile.says in p.message for p in problems), [p.message for p in problems]
    assert elapsed < 0.5  # billion laughs, deep nesting and huge files are refused, not expanded


def test_no_tag_was_ever_executed() -> None:
    assert not Path("/tmp/casebook-pwned").exists()


@pytest.mark.parametrize("hostile", ACCEPTED, ids=lambda a: a.name)
def test_accepted_file_validates_with_exact_warnings(hostile: Hostile) -> None:
    doc = read_document(_bytes(hostile.content), f"cases/{hostile.name}")
    case, problems = validate_document(doc, hostile.name.removesuffix(".md"), TAXONOMY)
    assert case is not None, problems
    # Broken links are found against the whole site (site/sitelinks.py): the build's log below has them.
    expected = [(line, code) for line, code in hostile.warnings if code not in ("W205", "W206", "W207")]
    assert sorted((p.line, p.code) for p in problems) == sorted(expected)


# --- The whole catalogue on disk: names, symlinks, FIFOs; the strict build names every problem.


@pytest.fixture(scope="module")
def rejected_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = make_site(tmp_path_factory.mktemp("rejected") / "site", {h.name: h.content for h in REJECTED},
                     keep_fixture_cases=False)
    write_bad_names(site / "cases")
    return site


def _expected_on_disk() -> dict[str, list[tuple[int, str]]]:
    expected = {f"cases/{h.name}": sorted(h.errors) for h in REJECTED}
    expected.update({f"cases/{name}": [(1, code)] for name, code in BAD_NAMES.items()})
    return expected


def test_catalogue_reports_every_hostile_file_and_name(rejected_site: Path) -> None:
    catalogue = load_catalogue(Settings(root=rejected_site))
    got: dict[str, list[tuple[int, str]]] = {}
    for problem in catalogue.problems:
        if problem.is_error:
            got.setdefault(problem.path, []).append((problem.line, problem.code))
    assert {k: sorted(v) for k, v in got.items()} == _expected_on_disk()
    assert catalogue.cases == []
    # Homoglyph and non-ASCII names say which character is wrong.
    messages = {p.path: p.message for p in catalogue.problems}
    assert "U+0430, cyrillic small letter a" in messages["cases/c\u0430se.md"]
    assert "rename it to 'double-hyphen.md'" in messages["cases/double--hyphen.md"]


@pytest.mark.build
def test_strict_build_fails_naming_every_problem_and_writes_only_site(rejected_site: Path) -> None:
    before = _tree(rejected_site)
    result = build(rejected_site)
    assert result.returncode != 0
    log = result.stderr
    for path, problems in _expected_on_disk().items():
        for line, code in problems:
            assert f"{path}:{line}: {code} " in log, (path, line, code)
    # One log line per problem: no contributor text starts a line of its own.
    assert not any(line.lstrip().startswith(("::", "##[")) for line in log.splitlines())
    assert "\x1b" not in log and "\x9b" not in log
    assert _tree(rejected_site) == before  # nothing written outside site/


def _tree(root: Path) -> dict[str, int]:
    return {
        p.relative_to(root).as_posix(): (p.lstat().st_size if not p.is_dir() else -1)
        for p in root.rglob("*")
        if p.relative_to(root).parts[0] != "site"
    }


# --- The accepted files, built: what the reader gets.



def article(site: Path, slug: str) -> str:
    """The page content of a built case page (from its header card on, without the theme's chrome)."""
    html = (site / "site" / "cases" / slug / "index.html").read_text(encoding="utf-8")
    start = html.index('<h1 id="case-title">')
    return html[start : html.index("</article>", start)]


FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "form", "input", "button", "meta", "base", "style",
                  "link", "svg", "math", "noscript", "template", "frame", "textarea"}


@pytest.mark.build
@pytest.mark.parametrize("hostile", ACCEPTED, ids=lambda a: a.name)
def test_built_case_content_holds_only_allowed_markup(hostile_site: tuple[Path, object], hostile: Hostile) -> None:
    site, _ = hostile_site
    content = article(site, hostile.name.removesuffix(".md"))
    for tag, attrs in start_tags(content):
        assert tag not in FORBIDDEN_TAGS, tag
        for name, value in attrs:
            assert not name.startswith("on") and name not in ("style", "target", "ping", "srcset", "formaction")
            assert not name.startswith("data-md-")
            if name in ("href", "src", "action", "cite", "poster", "background") and value:
                scheme = urlsplit(value.strip()).scheme.lower()
                assert scheme in ("", "http", "https", "mailto"), (tag, name, value)
                if tag == "img":
                    assert not scheme and not value.startswith("//"), value
            inert = name in ("title", "alt") or (name == "href" and urlsplit(value or "").scheme in ("http", "https"))
            if not inert:  # text, or a percent-encoded web address: quotes in it stay inside the attribute
                assert "__pwned" not in (value or ""), (tag, name, value)


@pytest.mark.build
def test_build_warns_exactly_about_raw_html_and_links(
    hostile_site: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    _, result = hostile_site
    got = sorted(
        (m.group(1), int(m.group(2)), m.group(3))
        for m in re.finditer(r"WARNING\s+-\s+cases/([^:]+\.md):(\d+): (W\d+) ", result.stderr)
    )
    expected = sorted((a.name, line, code) for a in ACCEPTED for line, code in a.warnings)
    assert got == expected


@pytest.mark.build
def test_title_and_front_matter_values_are_escaped(hostile_site: tuple[Path, object]) -> None:
    site, _ = hostile_site
    html = (site / "site/cases/script-in-title/index.html").read_text(encoding="utf-8")
    content = article(site, "script-in-title")
    assert "&lt;script&gt;window.__pwned=14&lt;/script&gt;&lt;/title&gt;&lt;b&gt;x" in content
    assert "&lt;img src=x onerror=window.__pwned=15&gt; a synthetic summary" in content
    assert html.count("</title>") == 1 and "<script>window.__pwned" not in html
    head_title = html[html.index("<title>") : html.index("</title>")]
    assert "<" not in head_title[len("<title>"):]
    org = article(site, "script-in-organisation")
    assert "&lt;b onclick=alert(16)&gt;Org&lt;/b&gt;" in org and "&lt;script&gt;alert(17)" in org


@pytest.mark.build
def test_yaml_11_words_stay_words(hostile_site: tuple[Path, object]) -> None:
    site, _ = hostile_site
    assert "Norway" in article(site, "norway-unquoted")
    content = article(site, "yaml11-plain-strings")
    assert "Yes Minister" in content and "Off" in content and "2007-01-01" in content


@pytest.mark.build
def test_scripts_handlers_and_bad_urls_are_gone(hostile_site: tuple[Path, object]) -> None:
    site, _ = hostile_site
    raw = article(site, "raw-script")
    assert "Before." in raw and "__pwned" not in raw and "alert" not in raw
    handlers = article(site, "event-handlers")
    assert '<img src="pixel.png">' in handlers and "cover" in handlers
    assert '<details open=""><summary>s</summary>t</details>' in handlers
    urls = article(site, "hostile-urls")
    assert '<a href="https://example.org/">ok</a>' in urls
    assert "javascript" not in urls.lower() and "vbscript" not in urls and "data:" not in urls
    assert '<a href="https://example.org/" title="t\\&quot; onmouseover=\\&quot;window.__pwned=7">q</a>' in urls
    elements = article(site, "hostile-elements")
    assert "evil.example" not in elements
    assert "<div>data attributes</div>" in elements  # no data-* from content: the site's scripts read them
    images = article(site, "external-images")
    assert "evil.example" not in images
    assert '<img alt="tracker">' in images and '<img alt="local" src="local.png">' in images


@pytest.mark.build
def test_markdown_features_survive_the_sanitizer(hostile_site: tuple[Path, object]) -> None:
    site, _ = hostile_site
    content = article(site, "markdown-features")
    for expected in [
        '<h2 id="a-heading">A heading<a class="headerlink" href="#a-heading" title="Permanent link">',
        '<th align="left">left</th>', '<td align="right">2</td>',
        '<div class="admonition note">', '<p class="admonition-title">A note</p>',
        '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>', '<li id="fn:1">',
        'class="footnote-backref" href="#fnref:1"',
        '<div class="highlight"><pre><span></span><code>', '<span class="nb">print</span>',
        "&lt;script&gt;alert(1)&lt;/script&gt;", "<code>&lt;script&gt;</code>", "&lt;i&gt;indented code&lt;/i&gt;",
        '<dl class="cb-card">', '<h1 id="case-title">', '<p class="cb-summary">',
    ]:
        assert expected in content, expected
    assert "a comment" not in content


@pytest.mark.build
def test_line_endings_and_bom_build_identically(hostile_site: tuple[Path, object]) -> None:
    site, _ = hostile_site

    def body(slug: str) -> str:
        return article(site, slug).replace(slug, "SLUG")  # the "cite this case" block names the page

    reference = body("line-ends-lf")
    assert reference == body("markdown-features")
    for slug in ("line-ends-crlf", "line-ends-cr", "line-ends-bom"):
        assert body(slug) == reference, slug
    assert "\r" not in (site / "site/cases/line-ends-cr/index.html").read_text(encoding="utf-8")


@pytest.mark.build
def test_build_writes_nothing_outside_site(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", {a.name: a.content for a in ACCEPTED[:3]})
    before = _tree(site)
    result = build(site)
    assert result.returncode == 0, result.stderr
    assert _tree(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"]


def test_body_line_of_warnings_follows_the_front_matter() -> None:
    assert BODY_LINE == 13


@pytest.mark.build
def test_hostile_bibliography_entries_are_inert_in_the_built_pages(hostile_site: tuple[Path, object]) -> None:
    site, _ = hostile_site
    content = article(site, "cites-hostile-bib")
    assert 'class="cb-references"' in content or "cb-references" in content
    assert "&lt;script&gt;window.__pwned=4&lt;/script&gt;" in content
    assert 'href="https://example.org/%22%20onmouseover=%22window.__pwned=2"' in content
    page = (site / "site/bibliography/index.html").read_text(encoding="utf-8")
    for _tag, attrs in start_tags(page[page.index('<ol class="cb-bibliography">') :]):
        for name, value in attrs:
            assert not name.startswith("on") and name != "style"
            if name == "href":
                assert urlsplit(value or "").scheme in ("", "http", "https"), value
