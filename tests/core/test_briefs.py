"""Policy briefs: validation against the schema and the cases, and the pages a real build makes of them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casebook.catalogue import Settings, load_catalogue
from casebook.core.briefs import validate_brief
from casebook.core.escape import markdown_text
from casebook.core.frontmatter import read_document
from casebook.core.model import Case
from casebook.site.briefpages import brief_markdown, briefs_index_markdown
from support import build, casebook, make_site
from support.content import BRIEF


def brief_with(**changes: str) -> str:
    """BRIEF with front-matter lines replaced: key -> new line (or '' to drop the line)."""
    lines = BRIEF.split("\n")
    for key, new in changes.items():
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
        lines[index:index + 1] = [new] if new else []
    return "\n".join(lines)


def write_briefs(site: Path, briefs: dict[str, str]) -> Path:
    (site / "briefs").mkdir(exist_ok=True)
    for name, text in briefs.items():
        (site / "briefs" / name).write_text(text, encoding="utf-8")
    return site


def problems_of(tmp_path: Path, text: str, name: str = "synthetic-brief.md") -> list[str]:
    site = write_briefs(make_site(tmp_path / "s"), {name: text})
    catalogue = load_catalogue(Settings(root=site))
    return [p.format_text() for p in catalogue.problems]


def test_a_valid_brief_loads_into_the_catalogue(tmp_path: Path) -> None:
    site = write_briefs(make_site(tmp_path / "s"), {"synthetic-brief.md": BRIEF})
    catalogue = load_catalogue(Settings(root=site))
    assert catalogue.problems == []
    [brief] = catalogue.briefs
    assert brief.slug == "synthetic-brief" and brief.path == "briefs/synthetic-brief.md"
    assert brief.cases == ["mx-social-programme", "no-coordination-minister"]
    assert brief.key_messages[0].startswith("Synthetic key message one")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"cases": 'cases: ["mx-social-programme", "no-coordination-ministr"]'},
         "briefs/synthetic-brief.md:6: E130 unknown case 'no-coordination-ministr' "
         "(did you mean 'no-coordination-minister'?)"),
        ({"cases": 'cases: ["Mx-Social-Programme"]'},
         "briefs/synthetic-brief.md:6: E130 unknown case 'Mx-Social-Programme' (did you mean 'mx-social-programme'?)"),
        ({"cases": 'cases: ["gt-draft-case"]'},
         "briefs/synthetic-brief.md:6: E131 case 'gt-draft-case' is a draft; "
         "a published brief can only draw on published cases"),
        ({"date": 'date: "2026-02-30"'}, "briefs/synthetic-brief.md:11: E108 '2026-02-30' is not a real date"),
        ({"date": 'date: "1 March 2026"'},
         "briefs/synthetic-brief.md:11: E103 date: '1 March 2026' is not a date in the form \"YYYY-MM-DD\" "
         '(write "2026-03-01")'),
        ({"key_messages": "key_messages: []", "  - \"Synthetic key message one: agree the rules first.\"": "",
          "  - \"Synthetic key message two: protect the budget.\"": ""},
         "briefs/synthetic-brief.md:7: E103 key_messages must list at least 1 item(s)"),
        ({"audience": ""}, "briefs/synthetic-brief.md:1: E101 missing required field 'audience'"),
        ({"status": 'status: "final"'},
         "briefs/synthetic-brief.md:4: E103 status: 'final' is not one of: draft, published"),
        ({"authors": 'authors: ["Test Author"]\nhide: ["toc"]'},
         "briefs/synthetic-brief.md:11: E102 unknown field 'hide'"),
        ({"summary": f'summary: "{"x" * 601}"'}, "briefs/synthetic-brief.md:3: E103 summary is 601 characters long"),
    ],
)
def test_bad_front_matter_is_reported_with_file_and_line(
    tmp_path: Path, changes: dict[str, str], expected: str
) -> None:
    text = BRIEF
    for key, new in changes.items():
        lines = text.split("\n")
        index = next(i for i, line in enumerate(lines) if line.startswith(key if key.startswith(" ") else f"{key}:"))
        lines[index:index + 1] = [new] if new else []
        text = "\n".join(lines)
    found = problems_of(tmp_path, text)
    assert any(p.startswith(expected) for p in found), found


def test_a_draft_brief_may_draw_on_a_draft_case(tmp_path: Path) -> None:
    text = brief_with(status='status: "draft"', cases='cases: ["gt-draft-case"]')
    assert problems_of(tmp_path, text) == []


def test_a_case_with_errors_is_named_as_such(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", {"broken-case.md": "---\ntitle: \"Broken\"\n---\n"})
    write_briefs(site, {"synthetic-brief.md": brief_with(cases='cases: ["broken-case"]')})
    found = [p.format_text() for p in load_catalogue(Settings(root=site)).problems]
    expected = "briefs/synthetic-brief.md:6: E132 case 'broken-case' (cases/broken-case.md) has errors; fix them first"
    assert expected in found


def test_brief_file_names_follow_the_slug_rules(tmp_path: Path) -> None:
    assert problems_of(tmp_path, BRIEF, "Synthetic Brief.md") == [
        "briefs/Synthetic Brief.md:1: E110 file name 'Synthetic Brief.md' must use lowercase ASCII letters, digits "
        "and single hyphens; rename it to 'synthetic-brief.md'"
    ]
    assert problems_of(tmp_path / "b", BRIEF, "index.md") == [
        "briefs/index.md:1: E111 'index' is a name the site itself uses; choose another file name"
    ]


def test_cli_validates_briefs_by_default_and_by_path(tmp_path: Path) -> None:
    bad = brief_with(cases='cases: ["no-such-case"]')
    site = write_briefs(make_site(tmp_path / "s"), {"synthetic-brief.md": BRIEF, "other-brief.md": bad})
    everything = casebook("validate", cwd=site)
    assert everything.returncode == 1
    assert everything.stdout.startswith("briefs/other-brief.md:6: E130 unknown case 'no-such-case'")
    assert "5 file(s) checked: 1 error(s)" in everything.stderr
    one = casebook("validate", "briefs/synthetic-brief.md", cwd=site)
    assert one.returncode == 0, one.stdout + one.stderr
    assert "1 file(s) checked: 0 error(s)" in one.stderr
    folder = casebook("validate", "briefs", cwd=site)
    assert folder.returncode == 1 and "E130" in folder.stdout


def test_a_placeholder_is_a_warning_a_draft_may_keep_and_a_published_brief_may_not(tmp_path: Path) -> None:
    draft = brief_with(status='status: "draft"') + "\nTODO: finish this.\n"
    site = write_briefs(make_site(tmp_path / "s"), {"synthetic-brief.md": draft})
    assert casebook("validate", cwd=site).returncode == 0
    strict = casebook("validate", "--strict", cwd=site)
    assert strict.returncode == 1 and "briefs/synthetic-brief.md:18: W202" in strict.stdout
    # Published, the same warning fails the check, as it fails the site's strict build.
    write_briefs(site, {"synthetic-brief.md": BRIEF + "\nTODO: finish this.\n"})
    published = casebook("validate", cwd=site)
    assert published.returncode == 1 and "briefs/synthetic-brief.md:18: W202 warning:" in published.stdout
    assert "1 warning(s) outside drafts fail the check" in published.stderr


def test_a_brief_that_lists_one_case_as_text_is_told_a_list_that_passes(tmp_path: Path) -> None:
    site = write_briefs(make_site(tmp_path / "s"), {
        "synthetic-brief.md": brief_with(cases='cases: "mx-social-programme"'),
        "other-brief.md": brief_with(cases='cases: "mx-social-programm"'),
    })
    result = casebook("validate", "briefs", cwd=site)
    assert 'briefs/synthetic-brief.md:6: E103 cases must be a list, not text (write ["mx-social-programme"])' \
        in result.stdout
    # A slug that is not a case: the fix offered is the case it stands for, and the same run names the slug.
    assert 'briefs/other-brief.md:6: E103 cases must be a list, not text (write ["mx-social-programme"])' \
        in result.stdout
    assert "briefs/other-brief.md:6: E130 unknown case 'mx-social-programm' (did you mean 'mx-social-programme'?)" \
        in result.stdout


def _case(slug: str, title: str, summary: str = "A summary of twenty characters or more.") -> Case:
    meta = {"title": title, "summary": summary, "status": "published"}
    return Case(slug=slug, path=f"cases/{slug}.md", meta=meta, body="")


def test_markdown_text_cannot_make_markup() -> None:
    hostile = "*x* _y_ [link](javascript:alert(1)) <b>bold</b> &amp; `code` # h \\ !"
    escaped = markdown_text(hostile)
    import markdown

    html = markdown.markdown(escaped)
    assert "<em>" not in html and "<a" not in html and "<b>" not in html and "<code>" not in html
    assert html == "<p>*x* _y_ [link](javascript:alert(1)) &lt;b&gt;bold&lt;/b&gt; &amp;amp; `code` # h \\ !</p>"


def test_brief_markdown_escapes_every_front_matter_value(tmp_path: Path) -> None:
    hostile = '<script>alert(1)</script> "q" & *em*'
    text = brief_with(
        title=f"title: {hostile!r}".replace("'", '"').replace('"q"', "'q'"),
        key_messages="key_messages: ['</li></ul><script>x()</script>']",
        authors="authors: ['<img src=x onerror=y>']",
    )
    for message in ("one: agree the rules first.", "two: protect the budget."):
        text = text.replace(f'  - "Synthetic key message {message}"\n', "")
    doc = read_document(text.encode(), "briefs/b.md")
    brief, problems = validate_brief(
        doc, "b", {"mx-social-programme": _case("mx-social-programme", "<i>Case</i> [x](y)"),
                   "no-coordination-minister": _case("no-coordination-minister", "N")},
        {"mx-social-programme", "no-coordination-minister"},
    )
    assert brief is not None, problems
    page = brief_markdown(brief, {"mx-social-programme": _case("mx-social-programme", "<i>Case</i> [x](y)"),
                                  "no-coordination-minister": _case("no-coordination-minister", "N")})
    assert "<script>" not in page and "<img" not in page and "<i>" not in page
    assert "&lt;/li&gt;&lt;/ul&gt;&lt;script&gt;x()&lt;/script&gt;" in page
    assert "- [&lt;i&gt;Case&lt;/i&gt; \\[x\\]\\(y\\)](../cases/mx-social-programme.md)" in page


def test_index_lists_briefs_newest_first_then_by_slug(tmp_path: Path) -> None:
    site = write_briefs(
        make_site(tmp_path / "s"),
        {
            "b-older.md": brief_with(date='date: "2025-12-31"', title='title: "Older brief"'),
            "c-newer.md": brief_with(date='date: "2026-04-01"', title='title: "Newer brief"'),
            "a-newer.md": brief_with(date='date: "2026-04-01"', title='title: "Newer brief A"'),
        },
    )
    index = briefs_index_markdown(load_catalogue(Settings(root=site)).briefs)
    order = re.findall(r"\]\(([a-z-]+)\.md\)", index)
    assert order == ["a-newer", "c-newer", "b-older"]
    assert '<time datetime="2026-04-01">1 April 2026</time>' in index


# --- A real build of the fixture site with briefs (built once for the module) ---

@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = make_site(tmp_path_factory.mktemp("briefs") / "site")
    hostile = brief_with(title='title: "<script>alert(1)</script> Hostile </title><b> brief"')
    draft = brief_with(status='status: "draft"', title='title: "Zanzibarquux draft brief"')
    write_briefs(site, {"synthetic-brief.md": BRIEF, "hostile-brief.md": hostile, "draft-brief.md": draft})
    result = build(site)
    assert result.returncode == 0, result.stderr
    return site / "site"


@pytest.mark.build
def test_brief_page_has_key_messages_cases_body_and_edit_link(built: Path) -> None:
    html = (built / "briefs/synthetic-brief/index.html").read_text()
    box = html.index('<section class="cb-key-messages"')
    assert html.index('<h1 id="brief-title">Synthetic brief on programme coordination</h1>') < box
    assert html.index("Synthetic key message one: agree the rules first.") > box
    cases = html.index('id="cases-this-brief-draws-on"')
    assert box < cases < html.index('id="why-this-brief"')
    assert '<a href="../../cases/mx-social-programme/">A cross-sectoral social programme</a>' in html
    minister = "A coordination minister for cross-cutting reforms"
    assert f'<a href="../../cases/no-coordination-minister/">{minister}</a>' in html
    assert "https://github.com/example/casebook/edit/main/briefs/synthetic-brief.md" in html
    assert "<title>Synthetic brief on programme coordination - Casebook fixture</title>" in html
    assert 'href="../../assets/casebook/print.css"' in html


@pytest.mark.build
def test_brief_index_lists_published_briefs_only(built: Path) -> None:
    html = (built / "briefs/index.html").read_text()
    assert 'href="synthetic-brief/"' in html and 'href="hostile-brief/"' in html
    assert not (built / "briefs/draft-brief").exists()
    assert "Zanzibarquux" not in "".join(p.read_text() for p in built.rglob("*.html"))


@pytest.mark.build
def test_hostile_brief_title_is_escaped_everywhere(built: Path) -> None:
    for page in ("briefs/hostile-brief/index.html", "briefs/index.html"):
        html = (built / page).read_text()
        assert "<script>alert(1)" not in html and "</title><b>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.build
def test_a_hand_written_briefs_index_is_kept_and_gets_the_list(tmp_path: Path) -> None:
    site = write_briefs(make_site(tmp_path / "s"), {"synthetic-brief.md": BRIEF})
    (site / "docs/briefs").mkdir()
    (site / "docs/briefs/index.md").write_text("# Our briefs\n\nBefore.\n\n<!-- casebook:briefs -->\n\nAfter.\n")
    result = build(site)
    assert result.returncode == 0, result.stderr
    html = (site / "site/briefs/index.html").read_text()
    assert html.index("Before.") < html.index('href="synthetic-brief/"') < html.index("After.")
