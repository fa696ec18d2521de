"""The lessons of a term's cases on its page: grouped by case, attributed and linked, escaped, drafts as drafts."""

from __future__ import annotations

import json
from pathlib import Path

from casebook.catalogue import Settings, load_catalogue
from casebook.core.model import Case
from casebook.site.builder import SiteBuilder
from casebook.site.lessons import HEADING, LESSONS_ANCHOR, lessons_section
from support import make_site
from support.content import synthetic

HOSTILE_LESSON = "<script>alert('lesson')</script> **bold** [x](javascript:y)\n\nA second paragraph & more"


def case(slug: str, title: str, lessons: list[str] | None = None, status: str = "published") -> Case:
    meta = {
        "title": title, "summary": "Synthetic fixture.", "type": "profile", "status": status, "countries": ["NO"],
        "policy_areas": ["health"], "mechanisms": ["one-stop-shop"], "period": {"start": 2001},
        "authors": ["Test Author"],
    }
    if lessons is not None:
        meta["lessons"] = lessons
    return Case(slug=slug, path=f"cases/{slug}.md", meta=meta, body="")


def href(c: Case) -> str:
    return f"../../cases/{c.slug}/"


def test_lessons_are_grouped_by_case_each_under_its_linked_title() -> None:
    cases = [case("a-one", "Alpha", ["First lesson of alpha.", "Second lesson of alpha."]),
             case("b-two", "Beta", []), case("c-three", "Gamma", ["Gamma's lesson."])]
    section = lessons_section(cases, href)
    assert section.startswith(f"## {HEADING}\n")
    assert "2 of the 3 cases above record (3 lessons in all)" in section
    assert "grouped by case only" in section and "declares no grouping of lessons across cases" in section
    alpha = section.index('<a class="cb-entry__title" href="../../cases/a-one/">Alpha</a>')
    gamma = section.index('<a class="cb-entry__title" href="../../cases/c-three/">Gamma</a>')
    assert alpha < section.index("First lesson of alpha.") < section.index("Second lesson of alpha.") < gamma
    assert section.index("<li>Gamma's lesson.</li>") > gamma
    assert 'aria-label="Lessons from Alpha"' in section and "Norway · 2001–present · 2 lessons" in section
    # A case without lessons is named, linked, so that the reader knows it was not forgotten.
    assert 'No lessons recorded: <a href="../../cases/b-two/">Beta</a>.' in section


def test_a_term_whose_cases_record_no_lessons_says_so_and_one_without_cases_has_no_section() -> None:
    assert "None of these cases records lessons yet." in lessons_section([case("a-one", "Alpha")], href)
    assert lessons_section([], href) == ""
    only = lessons_section([case("a-one", "Alpha", ["One."])], href)
    assert "The lessons that the case above records (1 lesson)" in only
    assert "all 2 cases above record" in lessons_section(
        [case("a-one", "Alpha", ["One."]), case("b-two", "Beta", ["Two."])], href)


def test_lessons_and_titles_are_text_on_one_line() -> None:
    section = lessons_section([case("a-one", '<img src=x onerror=alert(1)> "T"', [HOSTILE_LESSON])], href)
    assert "<script>" not in section and "<img" not in section
    assert ("<li>&lt;script&gt;alert('lesson')&lt;/script&gt; **bold** [x](javascript:y) A second paragraph "
            "&amp; more</li>") in section
    assert 'aria-label="Lessons from &lt;img src=x onerror=alert(1)&gt; &quot;T&quot;"' in section
    html_block = section[section.index("<ul"):]
    assert "\n\n" not in html_block.strip()  # no blank line ends the HTML block early in plain Markdown


def test_mechanism_and_policy_area_pages_show_their_cases_lessons_drafts_only_when_serving(tmp_path: Path) -> None:
    lessons = ["Synthetic lesson: agree the rules first.", "Synthetic lesson: protect the budget."]
    site = make_site(tmp_path / "site", {
        "xx-lessons.md": synthetic("Synthetic lessons case", ["NO"], ["one-stop-shop"], ["health"], 2004),
        "xx-draft-lessons.md": synthetic("Synthetic draft lessons case", ["NO"], ["one-stop-shop"], ["health"],
                                         2005).replace('status: "published"', 'status: "draft"'),
    })
    for name, lesson in (("xx-lessons.md", lessons), ("xx-draft-lessons.md", ["Draft-only lesson."])):
        path = site / "cases" / name
        path.write_text(path.read_text().replace("authors:", f"lessons: {json.dumps(lesson)}\nauthors:", 1))
    catalogue = load_catalogue(Settings(root=site))
    assert not catalogue.errors, catalogue.errors
    built = {p.src_uri: p.markdown for p in SiteBuilder(catalogue, include_drafts=False).pages()}
    served = {p.src_uri: p.markdown for p in SiteBuilder(catalogue, include_drafts=True).pages()}
    for src in ("mechanisms/one-stop-shop.md", "policy-areas/health.md"):
        page = built[src]
        assert f"[their lessons](#{LESSONS_ANCHOR})" in page
        assert '<a class="cb-entry__title" href="../../cases/xx-lessons/">Synthetic lessons case</a>' in page
        assert all(lesson in page for lesson in lessons)
        assert "Draft-only lesson." not in page and "xx-draft-lessons" not in page
        assert "Draft-only lesson." in served[src]
        draft_entry = served[src][served[src].index("cases/xx-draft-lessons/"):]
        assert draft_entry.index("DRAFT") < draft_entry.index("Draft-only lesson.")
    # Other pages keep no lessons section; a term no case uses has none.
    assert HEADING not in built["countries/no.md"] and HEADING not in built["mechanisms/task-force.md"]


def test_lessons_follow_the_order_the_page_lists_the_cases_in(tmp_path: Path) -> None:
    # Listed by country (Norway before Sweden); by title the Swedish case would come first.
    site = make_site(tmp_path / "site", {
        "se-lessons.md": synthetic("An early synthetic Swedish case", ["SE"], ["task-force"], ["health"], 2004),
        "no-lessons.md": synthetic("Zeta synthetic Norwegian case", ["NO"], ["task-force"], ["health"], 2005),
        "nose-lessons.md": synthetic("Mid synthetic case of both", ["NO", "SE"], ["task-force"], ["health"], 2006),
    })
    for name in ("se-lessons.md", "no-lessons.md", "nose-lessons.md"):
        path = site / "cases" / name
        path.write_text(path.read_text().replace("authors:", f'lessons: ["Lesson of {name}"]\nauthors:', 1))
    catalogue = load_catalogue(Settings(root=site))
    assert not catalogue.errors, catalogue.errors
    page = next(p.markdown for p in SiteBuilder(catalogue, include_drafts=False).pages()
                if p.src_uri == "mechanisms/task-force.md")
    listing, lessons = page.split(f"## {HEADING}")
    titles = ["Mid synthetic case of both", "Zeta synthetic Norwegian case", "An early synthetic Swedish case"]
    assert sorted(titles, key=listing.index) == titles[:2] + titles[2:]  # Norway's two, then Sweden's own
    assert sorted(titles, key=lessons.index) == sorted(titles, key=listing.index)
    assert lessons.count("Lesson of nose-lessons.md") == 1  # a case of two countries, once
