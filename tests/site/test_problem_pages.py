"""Under ``mkdocs serve`` a broken case's URL lists its problems (``site/problempages.py``); nothing else has them."""

from __future__ import annotations

from pathlib import Path

from casebook.catalogue import Settings, load_catalogue
from casebook.core.escape import html_text, markdown_text
from casebook.site.assembly import SiteOptions, assemble
from casebook.site.problempages import BOX_CLASS
from support import make_site
from support.content import synthetic

PAYLOAD = "<img src=x onerror=alert(1)>"
BROKEN = synthetic("A broken synthetic case", ["NO"], [PAYLOAD], ["health"], 2001)
WARNED = synthetic("A synthetic case with a warning", ["NO"], ["one-stop-shop"], ["health"], 2001,
                   summary="TODO: write the summary.")


def _assembled(site: Path, *, serving: bool, drafts: bool | None = None) -> dict[str, str]:
    catalogue = load_catalogue(Settings(root=site))
    options = SiteOptions(site_name="Casebook", include_drafts=serving if drafts is None else drafts,
                          problem_pages=serving)
    pages = assemble(catalogue, options, lambda src: (site / "docs" / src).is_file()).pages
    return {page.src_uri: page.markdown for page in pages}


def test_a_broken_case_gets_a_page_listing_its_problems_only_when_serving(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {
        "no-broken.md": BROKEN,
        "no-unclosed.md": '---\ntitle: "unclosed\n',
        "no-warned.md": WARNED,
        "index.md": "---\ntitle: x\n",  # a reserved name: its URL is the catalogue's
        "Bad_Name.md": BROKEN,  # not a slug: no page would be there
    })
    catalogue = load_catalogue(Settings(root=site))
    served = _assembled(site, serving=True)
    page = served["cases/no-broken.md"]
    assert page.startswith(f"# Problems in {markdown_text('cases/no-broken.md')}\n")
    problems = [p for p in catalogue.problems if p.path == "cases/no-broken.md"]
    assert [p.code for p in problems] == ["E104"]
    for problem in problems:
        assert html_text(problem.format_text()) in page  # FILE:LINE: CODE message, escaped
    assert PAYLOAD not in page and html_text(PAYLOAD) in page
    assert f'<div class="{BOX_CLASS}">' in page
    assert "cases/no-unclosed.md:" in served["cases/no-unclosed.md"]
    assert "Problems in" not in served["cases/no-warned.md"]  # warnings only: the real page
    assert "Problems in" not in served["cases/index.md"]
    assert not [src for src in served if "bad" in src.lower()]
    built = _assembled(site, serving=False)
    assert "cases/no-broken.md" not in built and "cases/no-unclosed.md" not in built
    assert not any("Problems in" in markdown for markdown in built.values())


def test_a_case_built_despite_an_error_lists_it_at_the_top_of_its_page_only_when_serving(tmp_path: Path) -> None:
    cited = synthetic("A synthetic case citing nothing known", ["NO"], ["one-stop-shop"], ["health"], 2001)
    cited = cited.replace("\n---\n", "\n---\n\nIt cites [@nosuchkey2020].\n", 1)
    site = make_site(tmp_path / "site", {"no-cites-unknown.md": cited})
    (site / "bibliography.bib").write_text("@book{doe2020, title={A Book}, author={Doe, Jane}, year={2020}}\n")
    catalogue = load_catalogue(Settings(root=site))
    [problem] = [p for p in catalogue.problems if p.path == "cases/no-cites-unknown.md"]
    assert problem.code == "E305" and problem.is_error
    served = _assembled(site, serving=True)["cases/no-cites-unknown.md"]
    built = _assembled(site, serving=False, drafts=True)["cases/no-cites-unknown.md"]
    assert served.startswith(f'<div class="{BOX_CLASS}">') and html_text(problem.format_text()) in served
    assert served.endswith(built) and "Problems in" not in served
    assert BOX_CLASS not in built


def test_a_broken_brief_gets_one_too(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    (site / "briefs").mkdir(exist_ok=True)
    (site / "briefs" / "a-broken-brief.md").write_text('---\ntitle: "A brief"\nstatus: "nonsense"\n---\nText.\n')
    served = _assembled(site, serving=True)
    assert "briefs/a-broken-brief.md:" in served["briefs/a-broken-brief.md"]


def test_the_box_tells_a_draft_what_it_will_see_and_a_published_case_what_it_will_be(tmp_path: Path) -> None:
    draft = BROKEN.replace('status: "published"', 'status: "draft"')
    cited = synthetic("A synthetic draft citing nothing known", ["NO"], ["one-stop-shop"], ["health"], 2001)
    cited = cited.replace('status: "published"', 'status: "draft"').replace(
        "\n---\n", "\n---\n\nIt cites [@nosuchkey2020].\n", 1)
    site = make_site(tmp_path / "site", {"no-broken.md": BROKEN, "no-broken-draft.md": draft,
                                         "no-cites-unknown.md": cited})
    (site / "bibliography.bib").write_text("@book{doe2020, title={A Book}, author={Doe, Jane}, year={2020}}\n")
    served = _assembled(site, serving=True)
    published = served["cases/no-broken.md"]
    assert "error(s): this file is not published until they are fixed" in published
    assert "Fix the file and save it: this page then shows it as it will be published." in published
    for page in (served["cases/no-broken-draft.md"], served["cases/no-cites-unknown.md"]):
        assert "published." not in page and "not published until" not in page
        assert "Fix the file and save it: this page then shows your draft, marked DRAFT (the published site leaves " \
            "drafts out)." in page
    assert "error(s): this draft has no page in the preview until they are fixed" in served["cases/no-broken-draft.md"]
