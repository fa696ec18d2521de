"""BibTeX the site writes: the published bibliography.bib and the TeX allow-list, read back with real pybtex."""

from __future__ import annotations

from pathlib import Path

import pybtex.errors
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pybtex.database import BibliographyData
from pybtex.database.input.bibtex import Parser

from casebook.bibliography import load_bibliography, parse_bibliography
from casebook.bibliography.bibtex import (
    HEADER,
    URL_FIELDS,
    clean_url,
    published_bib,
    refused_commands,
    tex_literal,
    tex_text,
    url_text,
)
from support import REPO, TESTS

FIXTURES = TESTS / "fixtures" / "bib"

#: The real bibliography and real-world exports (JabRef, Zotero with Better BibTeX, Google Scholar).
CLEAN = [REPO / "bibliography.bib", *(FIXTURES / n for n in ("jabref.bib", "zotero-biblatex.bib", "scholar.bib"))]


def reread(text: str) -> BibliographyData:
    """``text`` parsed by pybtex, which must find nothing wrong with it."""
    with pybtex.errors.capture() as captured:
        data = Parser(encoding="UTF-8").parse_string(text)
    assert captured == [], captured
    return data


def brace_depths_ok(text: str) -> bool:
    """Braces nest as BibTeX counts them (a backslash before a brace changes nothing), and as TeX counts them."""
    for escaped_count in (True, False):
        depth = 0
        for i, ch in enumerate(text):
            if ch in "{}" and not escaped_count and i and text[i - 1] == "\\":
                continue
            depth += 1 if ch == "{" else -1 if ch == "}" else 0
            if depth < 0:
                return False
        if depth:
            return False
    return True


# --- The published file -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.name)
def test_clean_bibliographies_validate_and_publish_every_field_unchanged(path: Path) -> None:
    bib = load_bibliography(path, path.name)
    assert [p for p in bib.problems if p.code in ("E306", "E307", "E308")] == []
    assert bib.data is not None
    published = bib.published()
    assert published is not None and published.startswith(HEADER)
    again = reread(published)
    assert list(again.entries) == list(bib.data.entries)  # same keys, same order
    for key, entry in bib.data.entries.items():
        copy = again.entries[key]
        assert copy.type == entry.type
        # Addresses are written as addresses (\\url{...} unwrapped, \\& as &), everything else as it came.
        assert dict(copy.fields) == {
            name.lower(): clean_url(value) if name.lower() in URL_FIELDS else value
            for name, value in entry.fields.items()
        }, key
        assert {role: [str(p) for p in people] for role, people in copy.persons.items()} == {
            role.lower(): [str(p) for p in people] for role, people in entry.persons.items()
        }, key


def test_the_published_file_is_byte_identical_between_builds() -> None:
    data = (REPO / "bibliography.bib").read_bytes()
    first = parse_bibliography(data, "bibliography.bib").published()
    second = parse_bibliography(data + b"\n% another digest: not the cached result\n", "bibliography.bib").published()
    assert first == second
    assert first is not None and "\r" not in first and first.endswith("}\n")
    assert "  month = dec,\n" in first  # BibTeX's own month macros, as the source wrote them


def test_the_real_bibliography_is_not_published_as_it_is() -> None:
    source = (REPO / "bibliography.bib").read_text(encoding="utf-8")
    published = load_bibliography(REPO / "bibliography.bib", "bibliography.bib").published() or ""
    assert published != source and "% Conventions:" not in published  # the contributors' comments stay home
    assert refused_commands(published) == []


def test_fields_that_run_tex_or_hide_the_entry_are_not_published() -> None:
    data = parse_bibliography(
        b"@book{k1,\n  title = {Kept},\n  execute = {\\newcommand{\\x}{y}},\n  OPTIONS = {dataonly},\n"
        b"  year = {2020}\n}\n", "t.bib",
    ).data
    assert data is not None
    assert published_bib(data.entries.items()) == HEADER + "\n@book{k1,\n  title = {Kept},\n  year = {2020}\n}\n"


def test_fields_are_written_in_braces_with_addresses_percent_encoded() -> None:
    data = parse_bibliography(
        b"@Online{k1,\n  Author = {M\\\"uller, J{\\'o}n},\n  Title = \"Fees \\& {Funds} 100%\",\n"
        b"  url = {\\url{https://example.org/a\\_b c?x=^z\\input}},\n  doi = {10.1000/x\\y},\n  Month = jan,\n}\n",
        "t.bib",
    ).data
    assert data is not None
    text = published_bib(data.entries.items())
    assert text == HEADER + (
        "\n@online{k1,\n"
        "  author = {M\\\"uller, J{\\'o}n},\n"
        "  title = {Fees \\& {Funds} 100\\%},\n"
        "  url = {https://example.org/a_b%20c?x=%5Ez%5Cinput},\n"
        "  doi = {10.1000/x%5Cy},\n"
        "  month = jan\n"
        "}\n"
    )


# --- The allow-list ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # What the allow-list has passes unchanged.
        ("Caf\\'{e} \\c{c}a \\\"o \\ss{} \\emph{x} \\url{https://x.org/} \\& \\% \\$ \\# \\_ {Braced}",
         "Caf\\'{e} \\c{c}a \\\"o \\ss{} \\emph{x} \\url{https://x.org/} \\& \\% \\$ \\# \\_ {Braced}"),
        # File, shell and definition commands are left out; their arguments stay as text.
        ("a \\input{/etc/hostname} b", "a {/etc/hostname} b"),
        ("\\immediate\\write18{rm -rf ~}", "18{rm -rf ~}"),
        ("\\def\\x{y}\\catcode`\\^^M=13", "{y}`\\^\\^{}M=13"),
        ("\\csname input\\endcsname", " input"),
        # ^^5c would be a backslash to TeX: every bare caret is escaped.
        ("^^5cinput{x}", "\\^{}\\^{}5cinput{x}"),
        # Leaving a command out never joins an allowed one to the letters after it.
        ("\\i\\@nput{/etc/hostname}", "\\i{}nput{/etc/hostname}"),
        # Special characters standing alone are escaped; escaped braces are written so that BibTeX does not count
        # them; braces with no partner are dropped or closed.
        ("50% & #1 $x$ a_b", "50\\% \\& \\#1 \\$x\\$ a\\_b"),
        ("a \\{ b \\} c", "a \\textbraceleft{} b \\textbraceright{} c"),
        ("{open", "{open}"),
    ],
)
def test_field_text_keeps_only_the_allow_list(value: str, expected: str) -> None:
    assert tex_text(value) == expected
    assert refused_commands(expected) == []


TEX_ALPHABET = st.sampled_from(list("ab \\{}^%#&$_~'\"`=.-@,") + ["input", "write18", "catcode", "i", "emph",
                                                                   "textbraceleft", "^^5c", "\n"])


def fuzz(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@fuzz(1500)
@given(st.lists(TEX_ALPHABET, max_size=40).map("".join))
def test_any_field_text_is_published_as_allowed_balanced_tex(value: str) -> None:
    out = tex_text(value)
    assert refused_commands(out) == []
    assert brace_depths_ok(out)
    # In a file, it is one field of one entry, and the reader's next entry is intact.
    data = reread(f"@misc{{a,\n  title = {{{out}}}\n}}\n\n@book{{mine,\n  title = {{Mine}}\n}}\n")
    assert list(data.entries) == ["a", "mine"]
    assert dict(data.entries["a"].fields) == {"title": " ".join(out.split())}
    assert dict(data.entries["mine"].fields) == {"title": "Mine"}


@fuzz(1500)
@given(st.text(max_size=60))
def test_any_plain_text_written_for_bibtex_reads_back_as_written(value: str) -> None:
    out = tex_literal(value)
    assert refused_commands(out) == []
    assert brace_depths_ok(out)
    address = url_text(value)
    data = reread(f"@misc{{a,\n  title = {{{out}}},\n  note = {{{address}}}\n}}\n\n@book{{mine, year = 2000}}\n")
    assert list(data.entries) == ["a", "mine"]
    assert dict(data.entries["a"].fields) == {"title": out, "note": address}
    assert dict(data.entries["mine"].fields) == {"year": "2000"}
