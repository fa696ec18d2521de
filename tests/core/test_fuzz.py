"""Property-based tests: no input makes the loader, validator, name check or sanitizer raise."""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casebook.core.frontmatter import read_document
from casebook.core.loader import slug_problem
from casebook.core.markup import find_raw_html, inspect_body
from casebook.core.taxonomy import load_taxonomy
from casebook.core.validate import validate_document
from casebook.site.sanitize import ALLOWED_TAGS, sanitize_html
from support import REPO, start_tags

TAXONOMY, _ = load_taxonomy(REPO / "taxonomy")


def fuzz(examples: int) -> settings:
    # A few thousand examples over the module, under ~30 s on a shared machine.
    # Derandomized: the suite explores the same examples on every run, so CI cannot fail by chance.
    return settings(
        max_examples=examples, deadline=None, derandomize=True, database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )


def check_file(data: bytes) -> None:
    """Reading and validating ``data`` gives a valid case or at least one error, each with a sane line."""
    doc = read_document(data, "cases/fuzz.md")
    case, problems = validate_document(doc, "fuzz", TAXONOMY)
    lines = data.count(b"\n") + data.count(b"\r") + 2
    assert (case is None) == any(p.is_error for p in problems)
    if case is not None:
        assert isinstance(case.title, str) and isinstance(case.countries, list) and case.start >= 1800
    for problem in problems:
        assert 1 <= problem.line <= lines, problem
        assert problem.code[0] in "EW" and problem.message
        assert "\n" not in problem.format_text()


@fuzz(1200)
@given(st.binary(max_size=2000))
def test_any_bytes(data: bytes) -> None:
    check_file(data)


@fuzz(500)
@given(st.binary(max_size=600))
def test_any_bytes_after_a_front_matter_marker(data: bytes) -> None:
    check_file(b"---\n" + data)
    check_file(b"---\n" + data + b"\n---\nbody\n")


# --- YAML-ish generators that reach the interesting paths: valid keys, hostile values, odd layout.

KEYS = ["title", "summary", "type", "status", "countries", "policy_areas", "mechanisms", "coordination", "period",
        "organisations", "authors", "references", "lessons", "updated", "template", "hide", "sumary", "<<", "? x",
        '"quoted key"', "start", "end", "name", "direction", "1", "null", "~", "&a title", "*a", "!!python/name:x"]
SCALARS = ["NO", "no", "yes", "on", "off", "y", "~", "null", "true", "True", "0x7E3", "033", "0o17", "33:39",
           "2001", "-2001", "+2001", "2001.0", "1e3", ".inf", ".nan", "2001-01-01", "2019-02-30", "2001-01-01 10:00",
           "9" * 40, '"quoted"', "'single'", '"\\x1b"', '"\\u202e"', '"\\0"', '"a\\nb"', "&a x", "*a", "!!binary aGk=",
           "!!python/object/apply:os.system [x]", "!tag x", "[MX]", '["MX", "NO"]', "[health]", "[one-stop-shop]",
           "{start: 2001}", "{start: 2001, end: 1999}", "[", "]", "{", "}", "|", ">", "- x", "-", ":", "? ", "#c",
           "%", "@x", "`x`", "[[[[[[[[[[x]]]]]]]]]]", "profile", "practice", "published", "draft", "<script>",
           "caf\u00e9", "\u0430", "\t", ""]
INDENTS = ["", " ", "  ", "    ", "\t", "- ", "  - "]
EOLS = ["\n", "\r\n", "\r"]


@st.composite
def yamlish_case(draw: st.DrawFn) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 14))):
        indent = draw(st.sampled_from(INDENTS))
        key = draw(st.sampled_from(KEYS))
        value = draw(st.sampled_from(SCALARS))
        lines.append(f"{indent}{key}: {value}" if draw(st.booleans()) else f"{indent}{value}")
    body = draw(st.sampled_from(["", "Body.\n", "## Lessons\n\n<b>x</b>\n", "```\n<script>\n```\n",
                                 "![x](https://e.example/p.png)\n", "TODO: x\n"]))
    eol = draw(st.sampled_from(EOLS))
    closing = draw(st.sampled_from(["---", "...", "--- ", ""]))
    text = eol.join(["---", *lines, closing]) + eol + body
    prefix = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))
    return prefix + text.encode("utf-8")


VALID = (
    '---\ntitle: "Synthetic fuzz case"\nsummary: "Synthetic case produced by the property-based tests."\n'
    'type: "profile"\nstatus: "published"\ncountries: ["MX"]\npolicy_areas: ["health"]\n'
    'mechanisms: ["one-stop-shop"]\nperiod:\n  start: 2001\nauthors: ["Test Author"]\n'
)


@st.composite
def mutated_valid_case(draw: st.DrawFn) -> bytes:
    """A valid case with one to three lines replaced or inserted: most problems are then single, precise ones."""
    lines = VALID.rstrip("\n").split("\n")
    for _ in range(draw(st.integers(1, 3))):
        position = draw(st.integers(1, len(lines)))
        key = draw(st.sampled_from(KEYS))
        value = draw(st.sampled_from(SCALARS))
        indent = draw(st.sampled_from(["", "", "  "]))
        new = f"{indent}{key}: {value}"
        if draw(st.booleans()) and position < len(lines):
            lines[position] = new
        else:
            lines.insert(position, new)
    return ("\n".join(lines) + "\n---\n" + "Synthetic body. " * 400 + "\n").encode("utf-8")


@fuzz(1200)
@given(yamlish_case())
def test_yamlish_front_matter(data: bytes) -> None:
    check_file(data)


@fuzz(700)
@given(mutated_valid_case())
def test_mutated_valid_case(data: bytes) -> None:
    check_file(data)


def test_the_unmutated_case_is_valid() -> None:
    doc = read_document((VALID + "---\n" + "Synthetic body. " * 400).encode(), "cases/fuzz.md")
    case, problems = validate_document(doc, "fuzz", TAXONOMY)
    assert case is not None and problems == []


@fuzz(400)
@given(st.text(max_size=120))
def test_any_file_name(name: str) -> None:
    problem = slug_problem(name, f"cases/{name}")
    if problem is None:
        stem = name.removesuffix(".md")
        assert name.endswith(".md") and stem.isascii() and stem == stem.lower() and ".." not in name
    else:
        assert problem.code in ("E110", "E111", "E114") and "\n" not in problem.format_text()


HTMLISH = st.lists(
    st.sampled_from(list("<>/=\"' abcjsvt:&#;x`\n") + ["<script>", "<img src=x onerror=", "javascript:", "&#106;",
                                                       "<a href=", "<svg>", "</", "<!--", "-->", "on", "style=",
                                                       "```", "    ", "[x](", "![i](", "//e.example/"]),
    max_size=40,
).map("".join)


@fuzz(400)
@given(st.one_of(st.text(max_size=300), HTMLISH))
def test_sanitizer_never_raises_and_never_lets_script_through(html: str) -> None:
    clean = sanitize_html(html)
    for tag, attrs in start_tags(clean):
        assert tag in ALLOWED_TAGS
        for name, value in attrs:
            assert not name.startswith("on") and name != "style"
            if name in ("href", "src", "cite", "action", "formaction", "poster", "xlink:href"):
                # What a browser does before reading a URL's scheme: drop tabs and newlines, trim controls.
                url = "".join(ch for ch in (value or "") if ch not in "\t\n\r").strip("".join(map(chr, range(33))))
                assert urlsplit(url).scheme.lower() not in ("javascript", "vbscript", "data"), (html, clean)



@fuzz(300)
@given(st.one_of(st.text(max_size=300), HTMLISH))
def test_raw_html_finder_never_raises(body: str) -> None:
    found = find_raw_html(body)
    assert all(1 <= r.line <= body.count("\n") + 1 for r in found)
    inspect_body(body)
