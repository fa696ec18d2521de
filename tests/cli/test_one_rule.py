"""One rule for the pull request's two checks: ``casebook validate`` fails exactly when ``mkdocs build --strict`` does.

Errors fail both. A warning fails both in a published case or brief, or in the bibliography; a draft may keep
warnings, in both (a build leaves drafts out). Each warning the build fails on is checked by itself, with the
workflow's own commands.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casebook.core.markup import unreadable_declarations
from support import FIXTURES, build, casebook, make_site
from support.content import BRIEF

pytestmark = pytest.mark.build

CASE = "no-coordination-minister.md"
BASE = (FIXTURES / "site" / "cases" / CASE).read_text(encoding="utf-8")

#: A published case's text changed to give exactly one kind of warning.
WARNINGS = {
    "W202": BASE + "\nTODO: a placeholder left to fill in.\n",
    "W201": BASE.split("\n---\n", 1)[0] + "\n---\n\nA synthetic profile far shorter than three hundred words.\n",
    "W203": BASE + '\nSynthetic text with <span title="x">raw HTML</span> in it.\n',
    "W204": BASE + "\n![A synthetic image](https://example.org/image.png)\n",
}


def build_warnings(output: str) -> list[str]:
    """The problems ``mkdocs build`` logged as warnings, as ``casebook validate`` prints them."""
    return [m[1] for m in re.finditer(r"^WARNING +- +(.*)$", output, re.M) if re.match(r"\S+:\d+: W\d{3} ", m[1])]


def both_checks(site: Path) -> tuple[int, str, int, str]:
    """The workflow's validation (its text twin, for the lines) and strict build: exit codes and output."""
    github = casebook("validate", "--format", "github", cwd=site)
    text = casebook("validate", cwd=site)
    assert text.returncode == github.returncode
    built = build(site)
    return text.returncode, text.stdout + github.stdout, built.returncode, built.stdout + built.stderr


@pytest.mark.parametrize("code", sorted(WARNINGS))
def test_a_warning_in_a_published_case_fails_both_checks(tmp_path: Path, code: str) -> None:
    site = make_site(tmp_path / "s", {CASE: WARNINGS[code]})
    validated, report, built, log = both_checks(site)
    assert validated == 1 and built == 1, (report, log)
    printed = [line for line in report.splitlines() if line.startswith(f"cases/{CASE}:")]
    assert printed and all(f" {code} warning: " in line for line in printed)
    assert build_warnings(log) == printed  # the same problems, word for word
    # The pull request's annotation is an error, since it fails the check, and says why.
    annotations = [line for line in report.splitlines() if line.startswith("::")]
    assert annotations and all(line.startswith(f"::error file=cases/{CASE},") for line in annotations)
    assert all(line.endswith("(a warning outside a draft: the site's strict build fails on it)")
               for line in annotations)


def test_a_draft_keeps_its_warnings_in_both_checks(tmp_path: Path) -> None:
    text = "".join(WARNINGS[code].split("\n---\n", 1)[1] for code in ("W202", "W203", "W204"))
    draft = BASE.split("\n---\n", 1)[0].replace('status: "published"', 'status: "draft"') + "\n---\n" + text
    assert 'status: "draft"' in draft
    site = make_site(tmp_path / "s", {CASE: draft})
    validated, report, built, log = both_checks(site)
    assert validated == 0 and built == 0, (report, log)
    assert {"W202", "W203", "W204"} <= set(re.findall(r" (W\d{3}) warning: ", report))
    assert all(line.startswith("::warning ") for line in report.splitlines() if line.startswith("::"))
    assert build_warnings(log) == []
    assert re.search(r"INFO +- +\d+ warning\(s\) in draft cases or briefs, which a build leaves out", log)
    # --strict still holds a draft to every warning.
    assert casebook("validate", "--strict", cwd=site).returncode == 1


def site_with_bibliography(tmp_path: Path, entry: str) -> Path:
    """The fixture site with one synthetic bibliography entry (a book by Jane Doe, 2020) whose fields start so."""
    site = make_site(tmp_path / "s")
    (site / "bibliography.bib").write_text(f"{entry}  author = {{Doe, Jane}},\n  year = {{2020}}\n}}\n",
                                           encoding="utf-8")
    return site


def test_a_warning_in_the_bibliography_fails_both_checks(tmp_path: Path) -> None:
    site = site_with_bibliography(tmp_path, "@book{doe2020,\n  title = {A Synthetic Book},\n  title = {Twice},\n")
    validated, report, built, log = both_checks(site)
    assert validated == 1 and built == 1, (report, log)
    assert "bibliography.bib:1: W303 warning: entry with key doe2020 has a duplicate title field" in report
    assert any(line.startswith("bibliography.bib:1: W303 ") for line in build_warnings(log))


# --- The plugin's options in mkdocs.yml hold for the command too ----------------------------------------

def with_plugin_options(site: Path, options: str) -> None:
    config = (site / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - casebook\n" in config
    (site / "mkdocs.yml").write_text(config.replace("  - casebook\n", "  - casebook:\n" + options), encoding="utf-8")


def test_uncited_warn_makes_an_entry_nothing_cites_fail_both_checks(tmp_path: Path) -> None:
    site = site_with_bibliography(tmp_path, "% Synthetic.\n@book{nobody2020,\n  title = {Nobody Cites This},\n")
    validated, report, built, log = both_checks(site)
    assert validated == 0 and built == 0, (report, log)  # by default an uncited entry is information
    assert "nobody2020" not in report
    with_plugin_options(site, "      uncited: warn\n")
    validated, report, built, log = both_checks(site)
    assert validated == 1 and built == 1, (report, log)
    line = "bibliography.bib:2: W301 warning: entry 'nobody2020' is not cited by any case, brief or page"
    assert line in report and line in build_warnings(log)
    assert "::error file=bibliography.bib,line=2," in report


def test_validate_and_new_use_the_folders_mkdocs_yml_names(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    (site / "cases").rename(site / "studies")
    with_plugin_options(site, "      cases_dir: studies\n")
    (site / "studies" / CASE).write_text(WARNINGS["W202"], encoding="utf-8")
    validated, report, built, log = both_checks(site)
    assert validated == 1 and built == 1, (report, log)
    assert f"studies/{CASE}:" in report and build_warnings(log)[0].startswith(f"studies/{CASE}:")
    made = casebook("new", "no-synthetic-new-case", "--type", "profile", "--country", "NO", "--mechanism",
                    "coordination-post", "--policy-area", "central-government", "--start", "2001", cwd=site)
    assert made.returncode == 0, made.stderr
    assert (site / "studies/no-synthetic-new-case.md").is_file() and not (site / "cases").exists()


# --- Links: what MkDocs refuses in a body, validate refuses, on the same line ----------------------------

BRIEF_FILE = "briefs/synthetic-brief.md"

#: One link of each kind the fixture's strict build refuses (its mkdocs.yml warns on every kind), written from a
#: case's folder; ``{cases}`` is the way to the cases' folder from the page (a brief's is '../cases/').
BROKEN_LINKS = {
    "missing page": ("[a synthetic link]({cases}no-such-case.md)", "W205"),
    "missing image": ("![A synthetic image]({cases}pic.png)", "W205"),
    "unrecognized": ("[the synthetic countries](../countries/)", "W205"),
    "absolute": ("[a synthetic country](/countries/no.md)", "W205"),
    "draft": ("[the synthetic draft]({cases}gt-draft-case.md)", "W206"),
    "anchor": ("[a synthetic anchor](#nowhere)", "W207"),
    "anchor of another case": ("[a synthetic anchor]({cases}mx-social-programme.md#nowhere)", "W207"),
}


def site_with_body(tmp_path: Path, where: str, text: str, *, status: str = "published") -> tuple[Path, str]:
    """The fixture site with ``text`` appended to its published case, or to a synthetic brief; and that file."""
    site = make_site(tmp_path / "s")
    if where == "case":
        case = BASE.replace('status: "published"', f'status: "{status}"')
        (site / "cases" / CASE).write_text(case + text, encoding="utf-8")
        return site, f"cases/{CASE}"
    (site / "briefs").mkdir()
    brief = BRIEF.replace('status: "published"', f'status: "{status}"')
    (site / BRIEF_FILE).write_text(brief + text, encoding="utf-8")
    return site, BRIEF_FILE


def mkdocs_refuses(log: str, src: str, url: str) -> bool:
    """Whether MkDocs itself warned about the link ``url`` of the page ``src`` (not the plugin's report)."""
    pattern = rf"WARNING +- +Doc file '{re.escape(src)}' contains (?:a|an absolute|an unrecognized relative) " \
              rf"link '{re.escape(url)}'"
    return re.search(pattern, log) is not None


@pytest.mark.parametrize("where", ["case", "brief"])
@pytest.mark.parametrize("kind", sorted(BROKEN_LINKS))
def test_a_broken_link_fails_both_checks_on_the_same_line(tmp_path: Path, kind: str, where: str) -> None:
    template, code = BROKEN_LINKS[kind]
    link = template.format(cases="" if where == "case" else "../cases/")
    site, path = site_with_body(tmp_path, where, f"\nSynthetic text with {link} in it.\n")
    line = (site / path).read_text(encoding="utf-8").count("\n")  # the link is on the last line
    validated, report, built, log = both_checks(site)
    assert validated == 1 and built == 1, (report, log)
    printed = [row for row in report.splitlines() if row.startswith(f"{path}:")]
    assert len(printed) == 1 and printed[0].startswith(f"{path}:{line}: {code} warning: "), printed
    assert build_warnings(log) == printed
    # MkDocs refuses the link itself: the command finds what the build finds, not only what the plugin reports.
    url = link[link.index("](") + 2:-1]
    assert mkdocs_refuses(log, path, url), log
    assert f"::error file={path},line={line}," in report


def test_a_draft_keeps_its_broken_links_in_both_checks(tmp_path: Path) -> None:
    links = " ".join(template.format(cases="") for template, _ in BROKEN_LINKS.values())
    site, _ = site_with_body(tmp_path, "case", f"\n{links}\n", status="draft")
    brief_links = " ".join(template.format(cases="../cases/") for template, _ in BROKEN_LINKS.values())
    (site / "briefs").mkdir()
    (site / BRIEF_FILE).write_text(BRIEF.replace('status: "published"', 'status: "draft"') + f"\n{brief_links}\n",
                                   encoding="utf-8")
    validated, report, built, log = both_checks(site)
    assert validated == 0 and built == 0, (report, log)
    for path in (f"cases/{CASE}", BRIEF_FILE):
        # Reported, as warnings a draft may keep; a draft may link to a draft (both are pages of a preview).
        assert {"W205", "W207"} <= set(re.findall(rf"^{re.escape(path)}:\d+: (W\d{{3}}) warning: ", report, re.M))
    assert "W206" not in report
    assert build_warnings(log) == []
    assert casebook("validate", "--strict", cwd=site).returncode == 1


def test_links_the_build_resolves_pass_both_checks(tmp_path: Path) -> None:
    site, _ = site_with_body(tmp_path, "case", (
        "\n## A synthetic heading\n\n"
        "Synthetic links to [another case](mx-social-programme.md), [a country](../countries/no.md), "
        "[a mechanism](../mechanisms/one-stop-shop.md), [a page](../index.md), [this heading](#a-synthetic-heading), "
        "[this page's citation](#cite-this-case), [another case's heading](mx-social-programme.md#synthetic-heading), "
        "[a note](#fn:1), [another site](https://example.org/x.md) and [mail](mailto:someone@example.org), "
        "with a note[^1].\n\n[^1]: A synthetic note.\n"
    ))
    other = site / "cases" / "mx-social-programme.md"
    other.write_text(other.read_text(encoding="utf-8") + "\n## Synthetic heading\n\nSynthetic text.\n",
                     encoding="utf-8")
    (site / "briefs").mkdir()
    (site / BRIEF_FILE).write_text(BRIEF + (
        "\nSynthetic links to [a case](../cases/no-coordination-minister.md#a-synthetic-heading), "
        "[a country](../countries/mx.md), [the list](../cases/index.md), [this heading](#why-this-brief) and "
        "[the cases](#cases-this-brief-draws-on).\n"
    ), encoding="utf-8")
    validated, report, built, log = both_checks(site)
    assert validated == 0 and built == 0, (report, log)
    assert not re.search(r" W20[5-7] ", report)


def test_the_levels_of_mkdocs_yml_hold_for_the_command(tmp_path: Path) -> None:
    # MkDocs' defaults: an absolute link and a missing anchor are information, which fails no build.
    site, path = site_with_body(tmp_path, "case", "\nSynthetic [links](/countries/no.md) [to](#nowhere).\n")
    config = (site / "mkdocs.yml").read_text(encoding="utf-8")
    (site / "mkdocs.yml").write_text(config[:config.index("validation:")], encoding="utf-8")
    validated, report, built, log = both_checks(site)
    assert validated == 0 and built == 0, (report, log)
    assert f"{path}:" not in report


#: Links of every form, one a line: to pages, files, folders and anchors that are there or not, drafts,
#: generated pages and files, the site's assets, other sites, odd paths. (MkDocs names a missing anchor once per
#: page and anchor, the command each line that links to it: no two anchors here are the same.)
LINK_FORMS = [
    "x.md", "./mx-social-programme.md", "mx-social-programme.md#", "mx-social-programme.md?x=1",
    "../cases/mx-social-programme.md", "no%2Dcoordination-minister.md", "../index.md", "../", ".", "./", "#", "?q",
    "MX-SOCIAL-PROGRAMME.md", "../countries/NO.md", "../countries/no.md", "../data/cases.csv",
    "../assets/casebook/casebook.css", "../api/v1/cases.json", "../explore/", "../explore/index.md",
    "mailto:x@example.org", "tel:123", "https://example.org/x.md", "//example.org/x.md", "../cases/",
    "../cases/index.md", "../briefs/index.md", "../matrix.md", "../compare/index.md", "../feed.xml",
    "gt-draft-case.md", "../../x.md", "../../../etc/passwd", "/", "/index.md", "\\x.md", "x.html",
    "mx-social-programme.html", "mx-social-programme", "mx-social-programme/", "#a-heading", "#A-heading", "#fn:1",
    "#fnref:1", "#cite-this-case", "#references", "#related-cases", "#cases-this-brief-draws-on", "#key-messages",
    "data:text/plain,x", "x.md#y", "%", "a%20b.md", "../policy-areas/health.md", "../mechanisms/index.md",
    "../bibliography.md", "no-coordination-minister.md#a-heading", "no-coordination-minister.md#nope",
    "../cases/no-coordination-minister.md#a-heading", "../cases/no-coordination-minister.md#nope-too",
]


@pytest.mark.parametrize("where", ["case", "brief"])
def test_validate_reports_exactly_the_links_mkdocs_refuses(tmp_path: Path, where: str) -> None:
    lines = ["", "## A heading", ""] + [f"Line {i}: [a link]({url})" for i, url in enumerate(LINK_FORMS)]
    site, path = site_with_body(tmp_path, where, "\n".join(lines + ["", "A note[^1].", "", "[^1]: The note.", ""]))
    if where == "brief":  # the case's heading, for the brief's links to it
        case = site / "cases" / CASE
        case.write_text(case.read_text(encoding="utf-8") + "\n## A heading\n\nSynthetic text.\n", encoding="utf-8")
    validated, report, built, log = both_checks(site)
    ours = re.findall(rf"^{re.escape(path)}:(\d+): W20[5-7] warning: (?:link|image) '([^']*)'", report, re.M)
    refused = set(re.findall(rf"Doc file '{re.escape(path)}' contains (?:a|an absolute|an unrecognized relative) "
                             r"link '([^']*)'", log))
    assert {url for _, url in ours} == refused and len(refused) > 10, (sorted(ours), sorted(refused))
    first = (site / path).read_text(encoding="utf-8").split("\n").index("Line 0: [a link](x.md)") + 1
    assert all(LINK_FORMS.index(url) + first == int(line) for line, url in ours)
    assert validated == built == 1


@pytest.mark.parametrize("text", ["Text <b><![i](p.png)", "```\n<![x]>\n```", "<![ CDATA[x]]>"])
def test_a_declaration_mkdocs_cannot_read_is_an_error_in_both_checks_and_no_traceback(tmp_path: Path,
                                                                                      text: str) -> None:
    # MkDocs feeds each page's whole source to Python's HTML reader, which raises on these (code blocks too).
    site = make_site(tmp_path / "s", {CASE: BASE + "\n" + text + "\n"})
    validated, report, built, log = both_checks(site)
    line = BASE.count("\n") + 2 + text.split("\n").index(next(t for t in text.split("\n") if "<![" in t))
    assert validated == 1 and built == 1, (report, log)
    assert f"cases/{CASE}:{line}: E123 " in report and f"cases/{CASE}:{line}: E123 " in log
    assert "Traceback" not in log


def test_marked_sections_python_can_read_are_left_alone() -> None:
    assert unreadable_declarations("a <![CDATA[x]]> b <![if x]> c <![endif]> `<!x`") == []
    assert unreadable_declarations("one\n<![i](p.png)\nthree <![cdatax[") == [2, 3]


def test_a_hand_written_page_with_such_a_declaration_stops_the_build_on_its_line(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    (site / "docs" / "about-x.md").write_text("---\ntitle: About\n---\n\n# About\n\n```\n<![x\n```\n",
                                              encoding="utf-8")
    built = build(site)
    assert built.returncode == 1
    assert "docs/about-x.md:8: E123 '<![' here would stop the build" in built.stderr
    assert "Traceback" not in built.stderr + built.stdout
