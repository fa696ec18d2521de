"""Rendering and validation in time linear in the size of a body.

The linear-time link processors (``core/linearinline.py``, ``core/brackets.py``) are checked for two
properties, each on generated input (derandomized, so every run explores the same examples):

- the HTML is Python-Markdown's own, character for character, for bracket soup of every kind (links, images,
  references, footnotes, citations, quotes and parentheses in destinations, escapes, code spans);
- the time per byte of rendering and validating stays flat from 32 KB to 256 KB of pathological brackets
  (unmatched ``[``, ``![``, ``[^``, ``[@``, ``](``, ``][``, nested in each other or closed as deep as they
  open). Python-Markdown's own processors take over a minute on 32 KB of ``[``: their time per byte grows
  with the size.

Two other paths that grew faster than the body are checked against what they did before: a citation's items
(its locator was read by a backtracking pattern) and the lines of the raw HTML the validator reports. What stays
quadratic is Python-Markdown's own loop over a paragraph's elements: a body too dense for it is refused (E122).
"""

from __future__ import annotations

import re
import time
from typing import Any

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown.inlinepatterns import InlineProcessor, LinkInlineProcessor

from casebook.citations import inline as citations
from casebook.citations.inline import CitationExtension, CitationState, parse_citation, scan_citations
from casebook.core import markup
from casebook.core.bodylinks import fenced_lines
from casebook.core.frontmatter import read_document
from casebook.core.linearinline import REPLACEMENTS, LinearInlineExtension, install_linear_inline
from casebook.core.markdownsetup import read_markdown_setup
from casebook.core.taxonomy import load_taxonomy
from casebook.core.validate import validate_document
from support import REPO

SETUP = read_markdown_setup(REPO)
TAXONOMY, _ = load_taxonomy(REPO / "taxonomy")


def converter(linear: bool = True) -> markdown.Markdown:
    """A parser as the build makes one: the site's extensions, the citation extension, the linear processors."""
    state = CitationState()
    state.labels = {"k": "Kay 2020", "doe:2020.a": "Doe 2020"}
    extensions: list[Any] = [*SETUP.extensions, CitationExtension(state)]
    if linear:
        extensions.append(LinearInlineExtension())
    return markdown.Markdown(extensions=extensions, extension_configs=SETUP.configs)


def convert(text: str, linear: bool = True) -> str:
    return str(converter(linear).convert(text))


def fuzz(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --- The same output as Python-Markdown ---------------------------------------------------------------------

#: Pieces of bracket soup: every opener and closer the processors look at, quotes and parentheses of
#: destinations and titles, escapes and code spans (which take brackets out), definitions of references and notes.
TOKENS = [
    "[", "]", "(", ")", "![", "[^", "[@", "](", "][", "'", '"', " ", "  ", "x", "!", "^", "@", "<", ">", "\\", "`",
    "\n", "\n\n", "[x]", "[x][]", "[^1]", "[^a b]", "[@k]", "[@k, p. 3]", "[@doe:2020.a]", "(<u>)", "' )", '" )',
    ") ", "`x`", "\\[", "\\]", "[x]: /u 'T'\n\n", "[^1]: a note\n\n", "[^a b]: n\n\n", "*", "_", "&amp;",
]


@fuzz(600)
@given(st.lists(st.sampled_from(TOKENS), max_size=60))
def test_the_html_is_python_markdowns_for_any_bracket_soup(tokens: list[str]) -> None:
    text = "".join(tokens)
    assert convert(text) == convert(text, linear=False)


#: The loop ``getLink`` runs on a destination, by its states: balanced parentheses, a title in either quote that
#: closes, one that never does (the link then ends where as many parentheses as were open have gone by), the
#: other quote opening a second title, spaces before the ``)``.
DESTINATION = ["[a](", "![a](", "(", ")", "'", '"', " ", "x", "<", ">", "\n", "[", "]"]


@fuzz(600)
@given(st.lists(st.sampled_from(DESTINATION), max_size=40))
def test_destinations_and_titles_end_where_python_markdown_ends_them(tokens: list[str]) -> None:
    text = "".join(tokens)
    assert convert(text) == convert(text, linear=False)


#: Code spans: runs of backticks of every length, escaped backticks and backslashes before them.
BACKTICKS = ["`", "``", "```", "````", "\\`", "\\\\`", "\\\\", "\\", " ", "x", "\n", "[", "]", "*", "<b>", "\n\n"]


@fuzz(600)
@given(st.lists(st.sampled_from(BACKTICKS), max_size=50))
def test_code_spans_end_where_python_markdown_ends_them(tokens: list[str]) -> None:
    text = "".join(tokens)
    assert convert(text) == convert(text, linear=False)


@pytest.mark.parametrize("text", [
    "[a](' ( x y z",  # Python-Markdown's own odd answer: the link ends at -1, swallowing all but the last character
    "[a](b \"t) z",
    "[](' [](' [](' end",
    "[a](b 'x' \"y\" ) c) d",
    "[^a [^b]\n\n[^b]: n",  # the footnote pattern goes on after the "]" it reached, past the "[^b"
    "[[[[a]]]](x)[x]\n\n[x]: /u",
    "[x][y] [y]\n\n[y]: /y",
    "![[a](b)](c)",
])
def test_odd_corners_are_python_markdowns(text: str) -> None:
    assert convert(text) == convert(text, linear=False)


def test_only_python_markdowns_own_processors_are_replaced_in_their_places() -> None:
    plain, linear = converter(linear=False), converter()
    names = [item.name for item in sorted(plain.inlinePatterns._priority, key=lambda i: -i.priority)]
    assert [item.name for item in sorted(linear.inlinePatterns._priority, key=lambda i: -i.priority)] == names
    # The order among equal priorities shows in the output ('footnote' and the citations share 175).
    assert [type(p).__name__ for p in plain.inlinePatterns].index("FootnoteInlineProcessor") < \
        [type(p).__name__ for p in plain.inlinePatterns].index("CitationProcessor")
    assert [type(p).__name__ for p in linear.inlinePatterns].index("LinearFootnoteInlineProcessor") < \
        [type(p).__name__ for p in linear.inlinePatterns].index("CitationProcessor")
    for name, _, _, replacement, priority in REPLACEMENTS:
        assert type(linear.inlinePatterns[name]) is replacement
        assert next(i.priority for i in linear.inlinePatterns._priority if i.name == name) == priority

    # An extension's own processor under one of those names is left as it is.
    class Own(LinkInlineProcessor):  # type: ignore[misc]
        pass

    md = markdown.Markdown()
    own = Own(r"\[", md)
    md.inlinePatterns.register(own, "link", 160)
    md.inlinePatterns.register(LinkInlineProcessor(r"\[(?=x)", md), "reference", 170)  # not the upstream pattern
    assert "link" not in install_linear_inline(md)
    assert md.inlinePatterns["link"] is own
    assert type(md.inlinePatterns["reference"]) is LinkInlineProcessor
    # Without the footnotes extension there is no footnote processor to replace.
    assert "footnote" not in install_linear_inline(markdown.Markdown())


def test_the_build_the_validator_and_the_export_parse_with_the_linear_processors() -> None:
    from casebook.core.markup import inspect_body
    from casebook.export.body import BodyRenderer

    renderer = BodyRenderer(list(SETUP.extensions), SETUP.configs, set())
    assert isinstance(renderer.md.inlinePatterns["link"], type(converter().inlinePatterns["link"]))
    # The validator parses a body with "![" in it; 200 KB of them would take Python-Markdown over ten minutes.
    start = time.process_time()
    assert inspect_body("![" * 100_000).raw_html == []
    assert time.process_time() - start < 10


# --- Time linear in the size ----------------------------------------------------------------------------------

#: The issue's families: unmatched openers of every kind, and "x" so that some are apart.
OPENERS = ["[", "![", "[^", "[@", "](", "][", "x"]
SMALL, LARGE = 32_000, 256_000


def pathological(unit: list[str], closed: bool, size: int) -> str:
    """``unit`` repeated to ``size`` bytes; if ``closed``, the second half closes brackets as deep as they opened."""
    text = "".join(unit)
    if not closed:
        return (text * (size // len(text) + 1))[:size]
    half = (text * (size // 2 // len(text) + 1))[:size // 2]
    return half + "]" * (size - len(half))


def cpu_seconds(work: Any, *args: Any) -> float:
    """The best of two runs, in CPU time of this process (a shared machine's load moves wall time around)."""
    best = float("inf")
    for _ in range(2):
        start = time.process_time()
        work(*args)
        best = min(best, time.process_time() - start)
    return best


def case_file(body: str) -> bytes:
    return (
        '---\ntitle: "Pathological (synthetic)"\nsummary: "Synthetic case for timing tests."\ntype: "profile"\n'
        'status: "published"\n'
        'countries: ["MX"]\npolicy_areas: ["health"]\nmechanisms: ["one-stop-shop"]\nperiod:\n  start: 2001\n'
        f'authors: ["Test"]\n---\n\n{body}\n'
    ).encode()


def rendering_and_validation(body: str) -> None:
    converter().convert(body)
    doc = read_document(case_file(body), "cases/pathological.md")
    validate_document(doc, "pathological", TAXONOMY, SETUP)


@settings(max_examples=8, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(OPENERS), min_size=1, max_size=8).filter(lambda u: set(u) != {"x"}), st.booleans())
def test_time_per_byte_stays_flat_as_pathological_bodies_grow(unit: list[str], closed: bool) -> None:
    small = cpu_seconds(rendering_and_validation, pathological(unit, closed, SMALL)) / SMALL
    large = cpu_seconds(rendering_and_validation, pathological(unit, closed, LARGE)) / LARGE
    # Linear: the same per byte (cache effects aside). Quadratic: eight times as much at eight times the size.
    assert large <= 2.5 * small + 0.2e-6, (unit, closed, small * 1e6, large * 1e6)


def runs_of_backticks(size: int) -> str:
    """Runs of 1, 2, 3... backticks up to about ``size`` characters: no two alike (none cut short), so Python-Markdown
    scans the rest of the paragraph for a closer from each one."""
    parts, length, total = [], 1, 0
    while total < size:
        parts.append("`" * length + " x ")
        total += length + 3
        length += 1
    return "".join(parts)


def test_time_per_byte_stays_flat_for_runs_of_backticks_of_every_length() -> None:
    # Python-Markdown's own processor took 32 s on 1 MB of them, growing with the size to the power 1.5.
    small_body, large_body = runs_of_backticks(SMALL), runs_of_backticks(LARGE)
    small = cpu_seconds(rendering_and_validation, small_body) / len(small_body)
    large = cpu_seconds(rendering_and_validation, large_body) / len(large_body)
    assert large <= 2.5 * small + 0.2e-6, (small * 1e6, large * 1e6)


# --- Citations --------------------------------------------------------------------------------------------------

OLD_ITEM = re.compile(r"\s*@(\w(?:[\w:.+/-]*\w)?)\s*(?:,\s*(.*?))?\s*", re.DOTALL)


def parse_with_the_old_pattern(inner: str) -> list[tuple[str, str]] | None:
    """How a citation's items were read before: one pattern, whose locator part backtracks on white space."""
    items = []
    for part in inner.split(";"):
        match = OLD_ITEM.fullmatch(part)
        if match is None:
            return None
        key, locator = match.groups()
        items.append((key, " ".join(locator.split()) if locator else ""))
    return items


@fuzz(2000)
@given(st.text(alphabet="@@,;  \t\n.:+/-_aZ9é\u00a0!", max_size=24))
def test_citation_items_are_read_as_before(inner: str) -> None:
    items = parse_citation(inner)
    assert (None if items is None else [(i.key, i.locator) for i in items]) == parse_with_the_old_pattern(inner)


def test_a_citation_with_a_long_locator_is_read_in_linear_time() -> None:
    # The old pattern took 7 s for 40,000 spaces, and four times as long for twice as many.
    def parse(size: int) -> None:
        assert parse_citation("@k, p." + " " * size + "3") == parse_citation("@k, p. 3")

    small, large = cpu_seconds(parse, SMALL) / SMALL, cpu_seconds(parse, LARGE) / LARGE
    assert large <= 2.5 * small + 0.05e-6


def test_every_replacement_is_a_subclass_of_the_processor_it_replaces() -> None:
    # Every replacement subclasses the processor it replaces: code that checks isinstance() still sees it.
    for _, upstream, _, replacement, _ in REPLACEMENTS:
        assert issubclass(replacement, upstream) and issubclass(replacement, InlineProcessor)


# --- Code spans and comments, as citations are found in the source ---


def blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def code_spans_searched_from_each_run(text: str) -> str:
    """How code spans were blanked before, to find citations: a search of the rest of the text from every run."""
    out = []
    pos = 0
    while True:
        match = re.compile(r"`+").search(text, pos)
        if match is None:
            out.append(text[pos:])
            return "".join(out)
        closing = re.compile(rf"(?<!`){match.group()}(?!`)").search(text, match.end())
        if closing is None:
            out.append(text[pos:match.end()])
            pos = match.end()
            continue
        out.append(text[pos:match.start()])
        out.append(blank(text[match.start():closing.end()]))
        pos = closing.end()


@fuzz(800)
@given(st.lists(st.sampled_from(["`", "``", "```", "x", " ", "\n", "\\", "@"]), max_size=40).map("".join))
def test_code_spans_are_blanked_for_citations_as_before(text: str) -> None:
    assert citations._mask_code_spans(text) == code_spans_searched_from_each_run(text)


@fuzz(500)
@given(st.lists(st.sampled_from(["<!--", "-->", "<!-->", "<", "!", "-", ">", "x", "\n"]), max_size=30).map("".join))
def test_comments_are_blanked_for_citations_as_before(text: str) -> None:
    expected = re.sub(r"<!--.*?-->", lambda m: blank(m.group()), text, flags=re.DOTALL)
    assert citations.mask_code(text) == expected


def test_citations_are_found_in_linear_time_among_runs_of_backticks_and_open_comments() -> None:
    # Each run of backticks that closed nowhere, and each "<!--" after the last "-->", was a search to the end.
    def scan(size: int) -> None:
        scan_citations(runs_of_backticks(size // 2) + "<!-- [@k]" * (size // 18))

    small, large = cpu_seconds(scan, SMALL) / SMALL, cpu_seconds(scan, LARGE) / LARGE
    assert large <= 2.5 * small + 0.05e-6, (small * 1e6, large * 1e6)


# --- The lines of raw HTML -------------------------------------------------------------------------------------


def locate_from_the_top(body: str, fragments: list[str]) -> list[tuple[int, str]]:
    """How the validator found each fragment's line before: a search from the top of the body for each one."""
    lines = body.split("\n")
    fenced = fenced_lines(lines)
    used: set[tuple[int, int]] = set()
    found = []
    for fragment in fragments:
        needle = fragment.strip().split("\n", 1)[0].strip()
        line_number = 1
        for index, line in enumerate(lines):
            if index in fenced:
                continue
            column = line.find(needle)
            while column != -1 and ((index, column) in used or line.count("`", 0, column) % 2):
                column = line.find(needle, column + 1)
            if column != -1:
                used.add((index, column))
                line_number = index + 1
                break
        found.append((line_number, fragment))
    return sorted(found, key=lambda item: item[0])


HTML_PIECES = ["<b>", "</b>", "<b", "<i>", "x", " ", "`", "``", "\n", "\n```\n", "\n~~~\n", "<b><b>", "bb"]


@fuzz(500)
@given(st.lists(st.sampled_from(HTML_PIECES), max_size=40).map("".join),
       st.lists(st.sampled_from(["<b>", "</b>", "<i>", "<b", "b", " <b> "]), max_size=12))
def test_raw_html_lines_are_found_as_before(body: str, fragments: list[str]) -> None:
    located = [(r.line, r.fragment) for r in markup._locate(body, fragments)]
    assert located == locate_from_the_top(body, fragments)


def test_the_lines_of_many_raw_html_tags_are_found_in_linear_time() -> None:
    # The validator's search for the lines of 128 KB of "<b>x</b> " took 33 s: each tag was searched for from the
    # top. (Python-Markdown's own parse of such a body, which finds the tags, is not linear: see README.md.)
    def locate(size: int) -> None:
        body = ("<b>x</b> `<b>` " * (size // 15 + 1))[:size]
        markup._locate(body, ["<b>", "</b>"] * (size // 15))

    small, large = cpu_seconds(locate, SMALL) / SMALL, cpu_seconds(locate, LARGE) / LARGE
    assert large <= 2.5 * small + 0.2e-6


# --- Paragraphs too dense for Python-Markdown's own loop ------------------------------------------------------


@pytest.mark.parametrize("unit", ["*a* ", "[@k] ", "<b>x</b> "])
def test_a_body_too_dense_to_render_is_refused_before_rendering_naming_its_paragraph(unit: str) -> None:
    # A paragraph of n characters holding k elements costs Python-Markdown about n × k: 1 MB of "*a* " takes
    # minutes, 1 MB of "[@k] " over a minute and a half. The validator stops counting at its budget.
    from dataclasses import replace

    from casebook.citations.inline import CitationExtension

    body = "An ordinary first paragraph.\n\n" + (unit * 1_000_000)[:990_000]
    doc = read_document(case_file(body), "cases/dense.md")
    start = time.process_time()
    _, problems = validate_document(doc, "dense", TAXONOMY, replace(SETUP, added=(CitationExtension(),)))
    assert time.process_time() - start < 20
    dense = [p for p in problems if p.code == "E122"]
    assert len(dense) == 1 and dense[0].is_error
    # The body is a blank line, the first paragraph, a blank line, then the dense paragraph (and its newline).
    assert dense[0].format_text().startswith(f"cases/dense.md:{doc.body_line + 3}: E122 this text would take minutes")
    assert "990,001 characters" in dense[0].message


@pytest.mark.parametrize("unit", ["[", "[![[^[@](][", "x "])
def test_bodies_the_linear_processors_render_fast_are_not_refused(unit: str) -> None:
    body = (unit * 1_000_000)[:990_000]
    _, problems = validate_document(read_document(case_file(body), "cases/x.md"), "x", TAXONOMY, SETUP)
    assert "E122" not in {p.code for p in problems}


def test_real_cases_are_never_parsed_for_their_density() -> None:
    # The count is made only for bodies whose paragraphs could cost more than the budget: no real case comes within
    # a tenth of it (the longest paragraphs, in mx-oportunidades.md, could cost at most a fiftieth).
    for path in sorted((REPO / "cases").glob("*.md")):
        body = read_document(path.read_bytes(), f"cases/{path.name}").body
        assert markup.worst_case_copies(body) < markup.COPY_BUDGET / 10, path.name
