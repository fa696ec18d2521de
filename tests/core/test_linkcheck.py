"""The links of case and brief bodies: MkDocs' rules (``core/linkcheck.py``), found with their lines
(``core/bodylinks.py``), listed without a parse only when that lists every link the parse finds.

The strict build itself is compared with the command in ``tests/cli/test_one_rule.py``.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casebook.citations.inline import CitationExtension
from casebook.core.bodylinks import BodyLink, locate_links, plain_heading_ids, plain_links
from casebook.core.ids import guarded_slugify
from casebook.core.linkcheck import LinkLevels, PageLinks, Target, link_problems
from casebook.core.markdownsetup import MarkdownSetup
from casebook.core.markup import inspect_body, page_ids, site_configs

WARN = LinkLevels(not_found="warn", absolute_links="warn", unrecognized_links="warn", anchors="warn")
SETUP = dataclasses.replace(MarkdownSetup(), added=(CitationExtension(),))


class FakeSite:
    """A site with a few pages: this case (``cases/here.md``) with one heading, another case, a draft, a case with
    errors, a country page and a docs image."""

    docs_dir = "docs"
    present = {"cases/here.md", "cases/other.md", "countries/no.md", "countries/index.md", "images/pic.png",
               "index.md"}
    ids = {"cases/here.md": {"a-heading", "fn:1"}, "cases/other.md": {"its-heading"}}

    def target(self, src_uri: str) -> Target:
        if src_uri == "cases/draft.md":
            return Target.DRAFT
        if src_uri == "cases/broken.md":
            return Target.BROKEN
        return Target.PRESENT if src_uri in self.present else Target.MISSING

    def has_anchor(self, src_uri: str, anchor: str) -> bool | None:
        return anchor in self.ids[src_uri] if src_uri in self.ids else None

    def display(self, src_uri: str) -> str:
        return src_uri

    def near(self, src_uri: str) -> str | None:
        return "cases/other.md" if src_uri == "cases/othr.md" else None

    def near_anchor(self, src_uri: str, anchor: str) -> str | None:
        return "a-heading" if anchor == "a-headin" else None


def problems(*urls: str, levels: LinkLevels = WARN, draft: bool = False) -> list[tuple[str, str]]:
    page = PageLinks("cases/here.md", "cases/here.md", 10, draft, tuple(BodyLink(i + 1, u) for i, u in enumerate(urls)))
    return [(p.code, p.message) for p in link_problems(page, FakeSite(), levels)]


def codes(*urls: str, levels: LinkLevels = WARN, draft: bool = False) -> list[str]:
    return [code for code, _ in problems(*urls, levels=levels, draft=draft)]


# --- MkDocs' rules ---------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "other.md", "other.md#its-heading", "../countries/no.md", "../index.md", "#a-heading", "#fn:1", "?x=1", "",
    "https://example.org/nowhere.md", "mailto:someone@example.org", "//example.org/x", "../images/pic.png",
    "../countries/no.md#anywhere",  # a generated page's anchors are left to the build
    "\x02amp\x03#x",  # an obfuscated e-mail address
])
def test_links_the_build_resolves_are_not_reported(url: str) -> None:
    assert codes(url) == []


@pytest.mark.parametrize(("url", "code", "words"), [
    ("no-such-case.md", "W205", "goes to 'cases/no-such-case.md', which is not a page or file of the site"),
    ("othr.md", "W205", "(did you mean 'other.md'?)"),
    ("../../outside.md", "W205", "goes to '../outside.md'"),
    ("foo", "W205", "names no file"),
    ("../countries/", "W205", "names no file (did you mean '../countries/index.md'?)"),
    ("/countries/no.md", "W205", "starts with '/'"),
    ("draft.md", "W206", "goes to cases/draft.md, a draft: the build leaves drafts out"),
    ("broken.md", "W205", "goes to cases/broken.md, which has errors"),
    ("#nowhere", "W207", "goes to no heading or footnote of this page"),
    ("#a-headin", "W207", "(did you mean '#a-heading'?)"),
    ("other.md#nowhere", "W207", "goes to no heading or footnote of cases/other.md"),
    ("no%20such.md", "W205", "goes to 'cases/no such.md'"),
])
def test_links_the_build_refuses_are_reported_with_what_to_do(url: str, code: str, words: str) -> None:
    found = problems(url)
    assert [c for c, _ in found] == [code] and words in found[0][1], found


def test_an_image_is_told_where_images_go() -> None:
    page = PageLinks("cases/here.md", "cases/here.md", 1, False, (BodyLink(1, "pic.png", image=True),))
    (problem,) = link_problems(page, FakeSite(), WARN)
    assert problem.code == "W205" and "put the image in the docs/ folder" in problem.message
    assert "'../images/name.png'" in problem.message


def test_a_problem_is_on_the_line_of_its_link_in_the_file() -> None:
    page = PageLinks("cases/here.md", "cases/here.md", 20, False, (BodyLink(1, "a.md"), BodyLink(5, "b.md")))
    assert [p.line for p in link_problems(page, FakeSite(), WARN)] == [20, 24]


def test_a_draft_may_link_to_a_draft_and_keeps_its_other_warnings() -> None:
    assert codes("draft.md", "no-such-case.md", draft=True) == ["W205"]


def test_only_the_levels_at_warn_are_reported() -> None:
    defaults = LinkLevels()  # MkDocs': only a missing target fails a strict build
    assert codes("/countries/no.md", "#nowhere", "foo", levels=defaults) == []
    assert codes("no-such-case.md", "draft.md", levels=defaults) == ["W205", "W206"]
    quiet = LinkLevels(not_found="info")
    assert codes("no-such-case.md", "draft.md", "broken.md", levels=quiet) == []


def test_absolute_links_relative_to_docs_are_resolved_from_the_top() -> None:
    levels = dataclasses.replace(WARN, absolute_links="relative_to_docs")
    assert codes("/countries/no.md", "/cases/other.md#its-heading", levels=levels) == []
    assert codes("/countries/xx.md", "/cases/other.md#nowhere", levels=levels) == ["W205", "W207"]


@pytest.mark.parametrize(("validation", "expected"), [
    (None, LinkLevels()),
    ({"not_found": "info", "anchors": "warn"}, LinkLevels(not_found="info", anchors="warn")),
    # MkDocs copies the top keys into links:, where links: does not set them.
    ({"anchors": "warn", "links": {"anchors": "ignore", "absolute_links": "relative_to_docs"}},
     LinkLevels(anchors="ignore", absolute_links="relative_to_docs")),
    ({"anchors": "loud", "unrecognized_links": "relative_to_docs", "links": "x"}, LinkLevels()),
])
def test_levels_are_read_as_mkdocs_reads_them(validation: object, expected: LinkLevels) -> None:
    assert LinkLevels.from_config(validation) == expected


# --- The links of a body, with their lines -------------------------------------------------------------

def parsed(body: str) -> list[tuple[int, str, bool]]:
    return [(link.line, link.url, link.image) for link in inspect_body(body, SETUP, exact=True).links]


def test_each_link_and_image_the_parse_makes_is_found_on_its_line() -> None:
    body = (
        "Text [a](a.md) and ![b](b.png).\n\n"
        "- [c](c.md \"title\")\n"
        "- [reference][r] and [again][r]\n\n"
        "`[code](code.md)` and\n\n```\n[fenced](fenced.md)\n```\n\n"
        "[escaped](e\\_f.md)[^1] ## [a](a.md)\n\n"
        "[r]: ref.md\n[^1]: A note with [a link](note.md).\n"
    )
    assert parsed(body) == [
        (1, "a.md", False), (1, "b.png", True), (3, "c.md", False), (14, "ref.md", False), (14, "ref.md", False),
        (12, "e_f.md", False), (12, "a.md", False), (15, "note.md", False),
    ]


def test_the_sites_own_links_and_citations_are_not_the_contributors() -> None:
    body = "## A heading\n\nText[^1] and a citation [@doe2020, p. 3].\n\n[^1]: A note.\n"
    assert parsed(body) == []  # permalinks, footnote links and citation links always reach their target


def test_a_body_whose_links_are_plain_is_not_parsed_for_them() -> None:
    body = "## Limits of the evidence\n\nSee [the limits](#limits-of-the-evidence) and [a case](../cases/x.md).\n"
    found = inspect_body(body, SETUP)
    assert not found.exact_links and found.ids == {"limits-of-the-evidence"}
    assert [(link.line, link.url) for link in found.links] == [(3, "#limits-of-the-evidence"), (3, "../cases/x.md")]
    assert inspect_body(body, SETUP, exact=True).exact_links


@pytest.mark.parametrize("body", [
    "[a](<b c.md>)", "[a](b\\_c.md)", "[a](b&amp;c.md)", "[a]( b.md)", "[a](b(c).md)", "[a][r]\n\n[r]: b.md",
    "- [a][r]\n\n  [r]: b.md", "> [r]: b.md\n\n[a][r]",
])
def test_a_body_with_links_written_otherwise_is_parsed(body: str) -> None:
    assert plain_links(body) is None
    assert inspect_body(body, SETUP).exact_links


def test_other_extensions_have_every_body_with_links_parsed() -> None:
    setup = MarkdownSetup.from_list(["toc", "attr_list"])  # attr_list can set a link's href
    assert inspect_body("[a](b.md){: href='c.md' }", setup).exact_links
    assert [link.url for link in inspect_body("[a](b.md){: href='c.md' }", setup).links] == ["c.md"]


# Link-ish pieces: every way the validator's listing could differ from the parse.
PIECES = ["[a](x.md)", "![i](p.png)", "](", "[", "]", "(", ")", "`", "```\n", "\n", "\n\n", " ", "#", "## H", "x",
          "\\", "&amp;", "<", ">", '"t"', "[^1]", "[^1]: n", "[r]", "[r]: y.md", "    ", "> ", "- ", "**", "_",
          "(#h)", "[h](#h)", "{: #i }", "!", ":", "[@k]", "--", "...", "'"]


@settings(max_examples=1500, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_the_listing_without_a_parse_holds_every_link_and_only_ids_the_page_has(body: str) -> None:
    exact = inspect_body(body, SETUP, exact=True)
    listed = plain_links(body)
    if listed is not None:
        assert {link.url for link in exact.links} <= {link.url for link in listed}, body
    toc = site_configs(SETUP)["toc"]
    assert plain_heading_ids(body, toc["slugify"]) <= page_ids(body, SETUP), body


def test_plain_heading_ids_are_the_guarded_slugs() -> None:
    from markdown.extensions.toc import slugify

    assert plain_heading_ids("## Key messages\n# Plain one\n", guarded_slugify(slugify)) == \
        {"h-key-messages", "plain-one"}


def test_lines_of_links_written_otherwise_follow_the_link_before() -> None:
    body = "[a](a.md)\n\nx\n\n[b](b\\_c.md)\n"
    assert [(link.line, link.url) for link in locate_links(body, [("a.md", False), ("b_c.md", False),
                                                                  ("unseen.md", False)])] == \
        [(1, "a.md"), (5, "b_c.md"), (5, "unseen.md")]
