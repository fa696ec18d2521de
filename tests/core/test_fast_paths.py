"""The fast paths of the loader, validator and site pages agree with the reference paths on every input.

``parse_yaml`` reads with libyaml's parser and hands anything unusual to PyYAML's pure-Python
reader; ``schema_problems`` asks a compiled schema whether a file passes and jsonschema for the
problems. These tests check the fast answer against the reference one on generated input, so a
speed-up can never accept what the reference refuses or change a value, line or message.
"""

from __future__ import annotations

import codecs
import copy
import difflib
import json
import posixpath
import subprocess
import sys
from typing import Any

import latexcodec  # noqa: F401  (registers the "ulatex" codec)
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pybtex.markup import LaTeXParser

from casebook.bibliography import richtext
from casebook.citations import inline as citations
from casebook.citations.inline import Citation
from casebook.core import frontmatter, links, taxonomy, validate
from casebook.core.model import Case
from casebook.core.problems import error
from casebook.core.validate import reference_validator, schema_passes
from casebook.site.related import TermIndex, related_cases
from support import REPO

pytestmark = pytest.mark.skipif(frontmatter._CParser is None, reason="PyYAML built without libyaml")


def reference(text: str) -> tuple[Any, dict[Any, int], list[Any]]:
    saved = frontmatter._CParser
    frontmatter._CParser = None
    try:
        return frontmatter.parse_yaml(text, "cases/x.md", first_line=2)
    finally:
        frontmatter._CParser = saved


def fast(text: str) -> tuple[Any, dict[Any, int], list[Any]]:
    return frontmatter.parse_yaml(text, "cases/x.md", first_line=2)


def same(text: str) -> None:
    assert fast(text) == reference(text), text


def test_fast_reader_is_used_and_gives_values_and_lines() -> None:
    text = 'title: "t"\ncountries: [NO]\nperiod:\n  start: 2001\norganisations:\n  - name: "A"\n    role: x\n'
    value, lines = frontmatter.fast_parse(text, 2)
    assert value == {"title": "t", "countries": ["NO"], "period": {"start": 2001},
                     "organisations": [{"name": "A", "role": "x"}]}
    assert lines[("period", "start")] == 5 and lines[("organisations", 0, "role")] == 8
    same(text)


@pytest.mark.parametrize(
    "text",
    [
        "", "# only a comment", "---", "a: 1\n---\nb: 2", "a: &x 1\nb: *x", "a: !!str x", "a: !x y", "<<: {a: 1}",
        '"<<": 1', "a: 1\na: 2",
        "a:\n  b:\n    c:\n      d:\n        e:\n          f:\n            g:\n              h:\n"
        "                i: 1", "[a, [b, [c, [d, [e, [f, [g, [h, [i]]]]]]]]]", "a: [1, 2", "a: 'x", "{a: 1}: 2",
        "? [a]\n: 1", "- a\n- b", "a: |\n  x\n  y\n", "a: >-\n  x\n", "a: ~\nb: null\nc:\nd: ''",
        "a: 0x10\nb: +5\nc: -0", "a: |#\n  x", "a\t", "a: b\t# c", 'a: "\\e"', 'a: "x\\u202ey"', '"\\x01": 1',
        'a: ["\\0"]', 'a: "\\u2028"', 'a: "\\ufeff"',
        "a: 1_000\nb: 1e3\nc: .inf", "a: yes\nb: No\nc: on", "%YAML 1.1\n---\na: 1", "a: b: c", "a:\n- b\n c",
        "key with spaces: v", "'quoted key': v", "1: one\n2: two", "a: \"\\u00e9\\x41\"", "a: \u00e9t\u00e9",
        "a: [x,\n  y]", "  a: 1\n b: 2", "- - a\n  - b\n- c", "a: @x", "a: `x`", "a: x # comment\n# c\nb: y",
    ],
)
def test_fast_and_reference_readers_agree_on_edge_cases(text: str) -> None:
    same(text)


def test_fast_and_reference_readers_agree_on_real_files() -> None:
    paths = [*sorted((REPO / "cases").glob("*.md")), *sorted((REPO / "tests" / "fixtures").rglob("*.md"))]
    paths += sorted((REPO / "taxonomy").glob("*.yml"))
    assert paths
    for path in paths:
        text = path.read_text("utf-8")
        if path.suffix == ".md":
            text = text.split("\n---\n", 1)[0].removeprefix("---\n")
        same(text)


YAML_PIECES = st.sampled_from(
    [
        "a", "b", "NO", "1", "2007", "-1", "0x1", "true", "~", "null", ": ", ":", "- ", "-", "\n", "\n  ", "\n    ",
        "  ", " ", "\t", "#", "&a ", "*a", "!!str ", "!t ", "<<", "'", '"', "[", "]", "{", "}", ",", "?", "|", ">",
        "%", "@", "`", "\\", "é", "ø", "\u00a0", "\u2028", "---", "...", "key", "x y",
    ]
)


@settings(
    max_examples=300, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(YAML_PIECES, max_size=40).map("".join))
def test_fast_and_reference_readers_agree_on_generated_text(text: str) -> None:
    same(text)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-3000, 3000) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(JSONISH, st.sampled_from([None, True, False]), st.booleans())
def test_fast_and_reference_readers_agree_on_dumped_data(data: Any, flow: bool | None, unicode: bool) -> None:
    same(yaml.safe_dump(data, default_flow_style=flow, allow_unicode=unicode))


# --- The compiled schema and jsonschema agree on pass or fail ----------------------------------

VALID: dict[str, Any] = {
    "title": "A case", "summary": "Twenty characters at least, plain text.", "type": "practice",
    "status": "published", "countries": ["MX", "NO"], "policy_areas": ["health"], "mechanisms": ["lead-agency"],
    "coordination": {"direction": ["horizontal"], "modes": ["hierarchy", "network"], "levels": ["national"]},
    "period": {"start": 1997, "end": 2006},
    "organisations": [{"name": "Secretaría de Salud", "acronym": "SSA", "role": "leads"}],
    "authors": ["Ana Núñez"], "references": ["a2001"], "lessons": ["Agree first."], "updated": "2024-01-31",
}


def reference_passes(meta: Any, schema: str = "case") -> bool:
    return not any(True for _ in reference_validator(schema).iter_errors(meta))


def test_a_valid_record_passes_both() -> None:
    assert schema_passes(VALID) and reference_passes(VALID)
    assert not schema_passes({**VALID, "template": "x"}) and not reference_passes({**VALID, "template": "x"})


PATHS = [
    (), ("title",), ("summary",), ("type",), ("status",), ("countries",), ("countries", 0), ("policy_areas",),
    ("mechanisms", 0), ("coordination",), ("coordination", "direction"), ("coordination", "modes", 1),
    ("coordination", "levels"), ("period",), ("period", "start"), ("period", "end"), ("organisations",),
    ("organisations", 0), ("organisations", 0, "name"), ("organisations", 0, "acronym"), ("authors", 0),
    ("references",), ("lessons", 0), ("updated",), ("unknown",),
]
VALUES = JSONISH | st.sampled_from(
    ["", "ab", "x" * 201, "x" * 601, "MX", "mx", "NO", "in-depth", "draft", "horizontal", "market", "local",
     "2024-13-45", "2024-01-01", 1799, 1800, 2100, 2101, 2000, True, 1, 1.0, 2006.5, [], ["MX", "MX"], [True, 1],
     ["a", "a"], {}, {"name": "x"}, {"start": 2000}, {"start": True}, [{"name": "N"}, {"acronym": ""}]]
)


def mutate(meta: dict[str, Any], path: tuple[Any, ...], value: Any, delete: bool) -> dict[str, Any]:
    meta = copy.deepcopy(meta)
    if not path:
        return meta
    target: Any = meta
    for step in path[:-1]:
        target = target[step]
    if delete and isinstance(target, dict):
        target.pop(path[-1], None)
    elif isinstance(target, list) and isinstance(path[-1], int) and path[-1] >= len(target):
        target.append(value)
    else:
        target[path[-1]] = value
    return meta


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(st.sampled_from(PATHS), VALUES, st.booleans()), min_size=1, max_size=3))
def test_compiled_schema_and_jsonschema_agree(changes: list[tuple[tuple[Any, ...], Any, bool]]) -> None:
    meta: Any = VALID
    for path, value, delete in changes:
        try:
            meta = mutate(meta, path, value, delete)
        except (KeyError, IndexError, TypeError):
            continue
    assert schema_passes(meta) == reference_passes(meta), json.dumps(meta, ensure_ascii=False, default=str)


FRONT_MATTER = (
    'title: "Inter-ministerial committee"\nsummary: >\n  One paragraph.\ntype: practice\ncountries: ["MX", NO]\n'
    "period:\n  start: 1997\n  end: 2006\norganisations:\n  - name: 'Secretaría de Salud'\n    acronym: SSA\n"
    "authors: [Ana Núñez, 'B. Ø']\nlessons:\n  - Agree first.\n  -\n"
)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(st.integers(0, len(FRONT_MATTER)), st.integers(0, 3), YAML_PIECES), max_size=4))
def test_fast_and_reference_readers_agree_on_edited_front_matter(edits: list[tuple[int, int, str]]) -> None:
    text = FRONT_MATTER
    for at, cut, piece in edits:
        at = min(at, len(text))
        text = text[:at] + piece + text[at + cut:]
    same(text)


BRIEF: dict[str, Any] = {
    "title": "A brief", "summary": "Twenty characters at least, plain text.", "status": "published",
    "audience": ["Programme managers"], "cases": ["mx-oportunidades"], "key_messages": ["Agree first."],
    "authors": ["Casebook editors"], "date": "2026-11-26", "references": [],
}
BRIEF_PATHS = [(), ("title",), ("status",), ("audience",), ("audience", 0), ("cases",), ("cases", 0),
               ("key_messages", 0), ("authors",), ("date",), ("references",), ("unknown",)]


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(st.sampled_from(BRIEF_PATHS), VALUES, st.booleans()), min_size=1, max_size=3))
def test_compiled_brief_schema_and_jsonschema_agree(changes: list[tuple[tuple[Any, ...], Any, bool]]) -> None:
    meta: Any = BRIEF
    for path, value, delete in changes:
        try:
            meta = mutate(meta, path, value, delete)
        except (KeyError, IndexError, TypeError):
            continue
    assert schema_passes(meta, "brief") == reference_passes(meta, "brief"), json.dumps(meta, default=str)


# --- Related cases from the term index equal a ranking of every pair -----------------------------

def brute_force_related(case: Case, cases: list[Case], limit: int) -> list[tuple[str, list[str], list[str]]]:
    scored = []
    for other in cases:
        if other.slug == case.slug:
            continue
        mechanisms = sorted(set(case.mechanisms) & set(other.mechanisms))
        areas = sorted(set(case.policy_areas) & set(other.policy_areas))
        if mechanisms or areas:
            scored.append((-(len(mechanisms) + len(areas)), -len(mechanisms), other.slug, mechanisms, areas))
    scored.sort(key=lambda s: s[:3])
    return [(s[2], s[3], s[4]) for s in scored[:limit]]


TERMS = st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), min_size=1, max_size=4)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(TERMS, TERMS), min_size=1, max_size=25), st.integers(1, 8))
def test_related_cases_from_the_index_match_a_ranking_of_every_pair(
    terms: list[tuple[list[str], list[str]]], limit: int
) -> None:
    cases = [
        Case(slug=f"c{i:02d}", path=f"cases/c{i:02d}.md", meta={"mechanisms": m, "policy_areas": p}, body="")
        for i, (m, p) in enumerate(terms)
    ]
    cases.reverse()  # listing order need not be slug order
    index = TermIndex(cases)
    for case in cases:
        got = [(c.slug, m, p) for c, m, p in related_cases(case, cases, limit, index=index)]
        assert got == brute_force_related(case, cases, limit)


CHARS = st.sampled_from(["a", "é", "\n", "\r", "\t", "\x00", "\x1b", "\x7f", "\x85", "\x9f", "\xa0", "\xab", "–",
                         "\u2028", "\u2029", "\u202e", "\u2066", "\ufeff", "\ufffe", "\uffff", "€", "😀",
                         "\u2027", "\u202f", "\u206a", "\ufefe", "\uff01"])


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(CHARS, max_size=30).map("".join))
def test_quick_byte_test_finds_every_refused_character(text: str) -> None:
    data = text.encode("utf-8")
    decoded, problems = frontmatter.decode(data, "cases/x.md")
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    reference = body.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    assert (frontmatter.CONTROL.search(reference) is not None) == bool(problems)
    assert decoded == (None if problems else reference)


URL_PART = st.sampled_from(["", "a", "b", "cases", "x.html", "index.html", ".", "..", "a b", "é"])


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(st.lists(URL_PART, max_size=5).map("/".join), st.lists(URL_PART, max_size=5).map("/".join))
def test_fast_relative_path_agrees_with_posixpath(to_url: str, base: str) -> None:
    assert links.fast_relpath(to_url, base) == posixpath.relpath("/" + to_url, "/" + base.rstrip("/"))


#: Field text as pybtex hands it over (whitespace collapsed, braces balanced), from TeX that bibliographies hold.
LATEX = st.lists(
    st.sampled_from(["a", "E", "s", "i", "1", " ", ",", ".", "-", "--", "---", "{Ab}", "{}", "~", "`", "'", "``",
                     "''", "$", "%", "&", r"\&", r"\%", r"\_", "\\'", "\\'e", r'\"{o}', r"\c c", r"\v{s}", r"\ss",
                     r"\o", r"{\i}", r"\i", r"\aa", r"\textendash", r"\emph{x}", r"\foo", r"\foo[x]", "\\", r"\^",
                     r"\~n", r"\u", "é", "\xa0"]),
    max_size=12,
).map(lambda parts: " ".join("".join(parts).split())).filter(
    lambda value: not any(ligature in value for ligature in (",,", "!`", "?`"))  # see bibliography/richtext.py
)


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(LATEX)
def test_fast_latex_decoding_agrees_with_the_codec(value: str) -> None:
    def outcome(decode: Any) -> Any:
        try:
            return decode(value)
        except Exception as exc:  # a lone backslash: both refuse it alike
            return type(exc)

    def slow(text: str) -> str:
        return richtext.typographic_quotes(codecs.decode(text, "ulatex"))

    def slow_rich(text: str) -> Any:
        return LaTeXParser(richtext.strip_leftovers(slow(text))).parse()

    assert outcome(richtext.decode_latex) == outcome(slow)
    assert outcome(richtext.fast_from_latex) == outcome(slow_rich)


# --- Validation's per-file fast paths ----------------------------------------------------------------

WORD_CHARS = st.sampled_from(
    ["a", "é", "ő", "–", "€", "😀", " ", "  ", "\n", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0",
     "\u1680", "\u2002", "\u200a", "\u200b", "\u2028", "\u202f", "\u205f", "\u3000", "\ufeff", "\x00", "\ud800"]
)


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(st.lists(WORD_CHARS, max_size=40).map("".join))
def test_word_count_agrees_with_split(text: str) -> None:
    assert validate.word_count(text) == len(text.split())


def test_word_count_knows_every_whitespace_character() -> None:
    # Between two letters, each character is a word break exactly when str.split() breaks there: every
    # whitespace character, and every character up to U+30FF (all the lead bytes the marks treat specially).
    spaces = [code for code in range(0x110000) if chr(code).isspace()]
    for code in sorted({*range(0x3100), *spaces}):
        text = f"a{chr(code)}b"
        assert validate.word_count(text) == len(text.split()), hex(code)


HEADING_LINES = st.sampled_from(
    ["## Effects", "   ## Lessons ##", "    ## Indented code", "### Deeper", "##Tight", "## ", "##", "# Title",
     " ## Why it emerged  #", "##\tTab", "text ## not", "", "plain text", "\t## tab", "## Trailing #not"]
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(HEADING_LINES, max_size=12).map("\n".join), st.integers(min_value=1, max_value=6))
def test_headings_without_fences_agree_with_the_line_loop(body: str, level: int) -> None:
    # A closing line "```" makes headings() take its fence-aware line loop; being last, the fence it opens
    # hides nothing.
    assert validate.headings(body, level) == validate.headings(body + "\n```", level)


def reference_read(text: str) -> frontmatter.Document:
    """``read_document`` as it was before the fast cut: every line split, the body joined again."""
    path = "cases/x.md"
    doc = frontmatter.Document(path=path)
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        doc.problems = [error(path, 1, "E010", "no front-matter: the file must start with a line '---'")]
        return doc
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        doc.problems = [error(path, 1, "E011", "front-matter is not closed: add a line '---' after it")]
        return doc
    doc.body = "\n".join(lines[end + 1:])
    doc.body_line = end + 2
    doc.comments = [(i + 2, line.lstrip(" ")[1:].strip()) for i, line in enumerate(lines[1:end])
                    if line.lstrip(" ").startswith("#")]
    value, doc.lines, problems = frontmatter.parse_yaml("\n".join(lines[1:end]), path, first_line=2)
    doc.lines[()] = 1
    if problems:
        doc.problems = problems
    elif value is None:
        doc.problems = [error(path, 1, "E020", "front-matter is empty: write the fields between the '---' lines")]
    elif not isinstance(value, dict):
        doc.problems = [error(path, 2, "E020", "front-matter must be a mapping of 'key: value' lines")]
    else:
        doc.meta = value
    return doc


FILE_LINES = st.sampled_from(
    ["---", "--- ", "---\t", "...", "... ", " ---", "----", "---x", "--- x", "-- -", "title: x", "a: 1", "",
     "text", "## H", "---\xa0", "...\u3000", "# TODO: a comment", "  # b: [1]"]
)


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(st.lists(FILE_LINES, max_size=10).map("\n".join))
def test_front_matter_cut_agrees_with_splitting_every_line(text: str) -> None:
    assert frontmatter.read_document(text.encode("utf-8"), "cases/x.md") == reference_read(text)


def reference_scan(body: str, first_line: int) -> list[Citation]:
    """Citations found with :func:`parse_citation` and per-item line counting (the scan before its fast path)."""
    text = citations.mask_code(body)
    found: list[Citation] = []
    for match in citations.CITATION.finditer(text):
        start = match.start()
        if start > 0 and text[start - 1] == "\\":
            continue
        items = citations.parse_citation(match.group(1))
        if items is None:
            continue
        line = first_line + text.count("\n", 0, start)
        offset = 0
        for item in items:
            at = match.group(1).find("@" + item.key, offset)
            offset = at + 1
            found.append(Citation(item.key, line + match.group(1).count("\n", 0, max(at, 0)), item.locator))
    return found


CITATION_PARTS = st.sampled_from(
    ["[@a]", "[@a, p. 3]", "[@a; @b]", "[@a,  p.\n 3; @b]", "[@a;\n@b, sec. 2]", "\\[@x]", "`[@c]`", "[@bad key]",
     "[@a](link)", "[@a][ref]", "[@]", "[@a, ]", "[@x:1.2-y]", "text", "\n", " ", ";", "@a", "[", "]", "```\n",
     "<!-- [@h] -->", "~~~\n"]
)


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(st.lists(CITATION_PARTS, max_size=15).map("".join), st.integers(min_value=1, max_value=40))
def test_citation_scan_agrees_with_parse_citation(body: str, first_line: int) -> None:
    assert citations.scan_citations(body, first_line) == reference_scan(body, first_line)


def reference_strings(value: Any, path: tuple[Any, ...]) -> list[tuple[tuple[Any, ...], str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in reference_strings(item, (*path, key))]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in reference_strings(item, (*path, index))]
    return []


META_VALUES = st.recursive(
    st.sampled_from(["x", "TODO: fill in", "a TODO: b", "TODO", None, 3, True]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(["a", "b", "c"]), children,
                                                                       max_size=3),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.dictionaries(st.sampled_from(["title", "lessons", "organisations"]), META_VALUES, max_size=3))
def test_placeholder_paths_are_every_string_with_the_placeholder_in_order(meta: dict[str, Any]) -> None:
    expected = [path for path, text in reference_strings(meta, ()) if validate.PLACEHOLDER in text]
    assert validate._placeholder_paths(meta, (), []) == expected


def test_validating_imports_neither_jsonschema_nor_the_formatting_half_of_pybtex() -> None:
    # They cost a third of the start-up: jsonschema words the problems of a file the compiled schema fails, and
    # latexcodec and pybtex's HTML backend (urllib.request, http.client) format entries for pages.
    code = (
        "import sys\n"
        "from casebook.cli import main\n"
        "assert main(['validate']) == 0\n"
        "print(sorted(m for m in ('jsonschema', 'latexcodec', 'pybtex.backends.html', 'urllib.request') "
        "if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout + result.stderr


WORDS = st.text(alphabet="abcde-1", max_size=8)


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(WORDS, st.lists(WORDS, max_size=12), st.sampled_from([0.0, 0.3, 0.6, 0.8, 1.0]))
def test_closest_match_agrees_with_difflib(word: str, candidates: list[str], cutoff: float) -> None:
    expected = difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)
    assert taxonomy.closest(word, candidates, cutoff) == (expected[0] if expected else None)
