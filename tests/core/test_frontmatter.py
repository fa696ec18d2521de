"""The strict front-matter loader: YAML 1.1 surprises, refused constructs, line numbers."""

from __future__ import annotations

import time

import pytest

from casebook.core.frontmatter import MAX_FRONTMATTER_BYTES, read_document


def doc(yaml_text: str, body: str = "Body.\n") -> bytes:
    return f"---\n{yaml_text}\n---\n{body}".encode()


def codes(data: bytes) -> list[tuple[int, str]]:
    return [(p.line, p.code) for p in read_document(data, "cases/x.md").problems]


def test_norway_stays_a_string_and_scalars_keep_their_text() -> None:
    d = read_document(
        doc(
            "countries: [NO, no, yes]\nupdated: 2007-01-01\nhex: 0x7E3\noct: 033\nsexa: 33:39\n"
            "sci: 2.0e+3\nflag: true"
        ),
        "cases/x.md",
    )
    assert d.problems == []
    assert d.meta["countries"] == ["NO", "no", "yes"]
    assert d.meta["updated"] == "2007-01-01"
    assert d.meta["hex"] == "0x7E3"
    assert d.meta["oct"] == "033"
    assert d.meta["sexa"] == "33:39"
    assert d.meta["sci"] == "2.0e+3"
    assert d.meta["flag"] is True


def test_plain_integers_become_numbers_and_quoted_ones_stay_text() -> None:
    d = read_document(doc('period:\n  start: 1997\n  end: "2006"'), "cases/x.md")
    assert d.meta["period"] == {"start": 1997, "end": "2006"}


def test_huge_integers_stay_text_instead_of_raising() -> None:
    d = read_document(doc("n: " + "9" * 5000), "cases/x.md")
    assert d.problems == [] and d.meta["n"] == "9" * 5000


def test_lines_of_keys_and_items_are_recorded() -> None:
    d = read_document(doc('title: "t"\nmechanisms:\n  - "a"\n  - "b"\nperiod:\n  start: 2001'), "cases/x.md")
    assert d.lines[("title",)] == 2
    assert d.lines[("mechanisms",)] == 3
    assert d.lines[("mechanisms", 1)] == 5
    assert d.lines[("period", "start")] == 7
    assert d.body == "Body.\n" and d.body_line == 9


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("a: &x 1\nb: *x", [(2, "E014")]),
        ("a: !!python/object/apply:os.system ['true']", [(2, "E015")]),
        ("a: !!binary aGVsbG8=", [(2, "E015")]),
        ("a: !custom x", [(2, "E015")]),
        ("base: {x: 1}\nother:\n  <<: {x: 2}", [(4, "E017")]),
        ("title: a\nsummary: b\ntitle: c", [(4, "E016")]),
        ("a:\n\t- x", [(3, "E013")]),
        ("a: [unclosed", [(2, "E012")]),
        ("a: b: c", [(2, "E012")]),
        ("- just\n- a list", [(2, "E020")]),
        ("a: " + "[" * 50 + "]" * 50, [(2, "E018")]),
    ],
)
def test_refused_constructs_name_the_line(yaml_text: str, expected: list[tuple[int, str]]) -> None:
    assert codes(doc(yaml_text)) == expected


def test_billion_laughs_is_refused_fast() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    started = time.perf_counter()
    result = codes(doc("\n".join(lines)))
    assert time.perf_counter() - started < 0.5
    assert result == [(2, "E014")]


def test_deep_nesting_is_refused_without_recursion_error() -> None:
    assert codes(doc("a: " + "[" * 5000)) == [(2, "E018")]


def test_missing_and_unterminated_front_matter() -> None:
    assert codes(b"# Title\n\ntext\n") == [(1, "E010")]
    assert codes(b"---\ntitle: x\n\nbody without end\n") == [(1, "E011")]


def test_encodings_and_line_endings() -> None:
    lf = doc('title: "Caf\u00e9"\nn: 1', "B\n")
    crlf = lf.replace(b"\n", b"\r\n")
    cr = lf.replace(b"\n", b"\r")
    bom = b"\xef\xbb\xbf" + crlf
    results = [read_document(v, "cases/x.md") for v in (lf, crlf, cr, bom)]
    for r in results:
        assert r.problems == []
        assert r.meta == {"title": "Caf\u00e9", "n": 1}
        assert r.body == "B\n"
    assert codes(b"---\ntitle: caf\xe9\n---\n") == [(2, "E001")]
    assert codes(b"---\ntitle: a\x00b\n---\n") == [(2, "E002")]
    assert codes(b"---\ntitle: ok\n---\nline\n\x1b[31mred\n") == [(5, "E002")]


def test_oversized_front_matter_and_file() -> None:
    big = "x: '" + "a" * (MAX_FRONTMATTER_BYTES + 10) + "'"
    assert codes(doc(big)) == [(1, "E019")]
    assert codes(doc("a: 1", "word " * 300_000)) == [(1, "E003")]


def test_invalid_dates_are_plain_text_for_the_validator() -> None:
    d = read_document(doc("updated: 2019-02-30"), "cases/x.md")
    assert d.problems == [] and d.meta["updated"] == "2019-02-30"
