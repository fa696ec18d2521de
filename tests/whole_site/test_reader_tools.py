"""A real ``mkdocs build --strict`` of a site whose titles and authors attack readers' tools and the theme:
the "Cite this case" BibTeX read by pybtex with the reader's own entry after it, ``/data/cases.csv`` read by a
spreadsheet under each list separator, the ``.bib`` download, and the ids of the briefs' pages."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pybtex.errors
import pytest
from pybtex.database import Person
from pybtex.database.input.bibtex import Parser

from casebook.bibliography.bibtex import refused_commands
from support import FIXTURES, build, make_site, start_tags
from support.content import THEME_ID_BRIEF
from support.readers import formula_cells

pytestmark = pytest.mark.build

FIXTURE = FIXTURES / "site" / "cases"

INJECTION = 'Pooling}}, howpublished = "Retracted: see evil.example", note = "{{{'

BIB = """\
@book{doe2020,
  title = {Pooled budgets},
  author = {Doe, Jane},
  year = 2020,
  url = {https://example.org/pooled}
}
"""

def replace_line(text: str, key: str, line: str) -> str:
    return re.sub(rf"^{key}:.*$", lambda _: line, text, count=1, flags=re.M)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    mexico = (FIXTURE / "mx-social-programme.md").read_text(encoding="utf-8")
    mexico = replace_line(mexico, "title", "title: '" + INJECTION.replace("'", "''") + "'")
    mexico = replace_line(mexico, "authors", 'authors: ["Bo Berg;=4*5", "Casebook editors", "Ana AND Bo", "Lima, Ana"]'
                          '\nupdated: "2026-01-02"')
    norway = (FIXTURE / "no-coordination-minister.md").read_text(encoding="utf-8")
    norway = replace_line(norway, "title", 'title: "Budget pooling;=2*21;in Norway"')
    root = make_site(tmp_path_factory.mktemp("reader-tools") / "site", {
        "mx-social-programme.md": mexico, "no-coordination-minister.md": norway,
    })
    (root / "bibliography.bib").write_text(BIB, encoding="utf-8")
    (root / "briefs").mkdir()
    (root / "briefs" / "config-brief.md").write_text(THEME_ID_BRIEF, encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stderr
    return root / "site"


def cite_bibtex(out: Path, slug: str) -> str:
    page = (out / "cases" / slug / "index.html").read_text(encoding="utf-8")
    block = page.split('class="cb-cite-bibtex"', 1)[1]
    code = re.search(r"<pre><code>(.*?)</code></pre>", block, re.S)
    assert code is not None
    return html.unescape(code.group(1)) + "\n"


def test_a_title_cannot_add_fields_to_the_cite_bibtex_or_swallow_the_readers_next_entry(site: Path) -> None:
    bibtex = cite_bibtex(site, "mx-social-programme")
    readers_file = bibtex + "\n@book{mine2021,\n  title = {My own entry},\n  year = 2021\n}\n"
    with pybtex.errors.capture() as captured:
        data = Parser(encoding="UTF-8").parse_string(readers_file)
    assert captured == []
    assert list(data.entries) == ["casebook-mx-social-programme", "mine2021"]
    ours = data.entries["casebook-mx-social-programme"]
    assert dict(ours.fields) == {
        "title": "{Pooling\\textbraceright{}\\textbraceright{}, howpublished = \"Retracted: see evil.example\", "
                 "note = \"\\textbraceleft{}\\textbraceleft{}\\textbraceleft{}}",
        "howpublished": "Casebook fixture: case studies of coordination practices in public management",
        "year": "2026",
        "url": "https://example.org/casebook/cases/mx-social-programme/",
        "note": "Case study (profile), last updated 2026-01-02",
        "urldate": "2026-01-02",
    }
    assert [str(p) for p in ours.persons["author"]] == [
        str(Person("Bo Berg;=4*5")), "{Casebook editors}", "{Ana AND Bo}", "{Lima, Ana}",
    ]
    assert dict(data.entries["mine2021"].fields) == {"title": "My own entry", "year": "2021"}


def test_no_part_of_a_cases_csv_cell_starts_a_formula_under_any_separator(site: Path) -> None:
    text = (site / "data/cases.csv").read_text(encoding="utf-8")
    assert "Budget pooling;'=2*21;in Norway" in text and "Bo Berg;'=4*5" in text
    assert formula_cells(text) == []


def test_the_bib_download_is_written_again_and_the_data_page_says_it_is_tex_input(site: Path) -> None:
    published = (site / "data/bibliography.bib").read_text(encoding="utf-8")
    assert published.endswith("@book{doe2020,\n  author = {Doe, Jane},\n  title = {Pooled budgets},\n  year = {2020},\n"
                              "  url = {https://example.org/pooled}\n}\n")
    assert refused_commands(published) == []
    page = (site / "data/index.html").read_text(encoding="utf-8")
    assert "<strong>A <code>.bib</code> file is TeX input</strong>" in page
    assert "whichever list separator it uses" in page
    licence = (site / "data/LICENSE.txt").read_text(encoding="utf-8")
    assert "bibliography.bib: a .bib file is TeX input" in licence


def ids(page: Path) -> list[tuple[str, str]]:
    return [(tag, value or "") for tag, attrs in start_tags(page.read_text(encoding="utf-8"))
            for name, value in attrs if name == "id"]


def test_a_brief_titled_with_a_theme_id_does_not_take_that_id(site: Path) -> None:
    listing = ids(site / "briefs/index.html")
    assert [tag for tag, value in listing if value == "__config"] == ["script"]  # Material's own, and only it
    assert ("h2", "h-config") in listing
    assert not [value for tag, value in listing if value.startswith("_") and tag in ("h1", "h2", "h3", "li")]
    brief = ids(site / "briefs/config-brief/index.html")
    assert [tag for tag, value in brief if value == "__config"] == ["script"]
    assert [tag for tag, value in brief if value == "__search"] == ["input"]  # Material's search toggle
    assert ("h2", "h-search") in brief
    # The generated "Key messages" section keeps its id; a heading of the same text in the body does not take it.
    assert [tag for tag, value in brief if value == "key-messages"] == ["h2"]
    assert ("h2", "h-key-messages") in brief
