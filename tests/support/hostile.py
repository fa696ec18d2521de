"""A table of hostile case files and the exact outcome each must have.

Every case here is synthetic test data. ``REJECTED`` files must produce exactly the
listed ``(line, code)`` errors; ``ACCEPTED`` files are valid (possibly with the listed
warnings) and are built into a site whose HTML the tests inspect; ``BAD_NAMES`` are
file-name hazards created on disk by :func:`write_bad_names`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

FILLER = " ".join(["Synthetic filler sentence written only for the hostile-input tests."] * 40) + "\n"

#: A valid profile case; body starts on line 13.
BASE_LINES = [
    "---",  # 1
    'title: "Synthetic hostile case"',  # 2
    'summary: "Synthetic test case used only by the hostile-input tests of the validator."',  # 3
    'type: "profile"',  # 4
    'status: "published"',  # 5
    'countries: ["MX"]',  # 6
    'policy_areas: ["health"]',  # 7
    'mechanisms: ["one-stop-shop"]',  # 8
    "period:",  # 9
    "  start: 2001",  # 10
    'authors: ["Test Author"]',  # 11
    "---",  # 12
]
BODY_LINE = 13


def case(replace: dict[int, str] | None = None, extra: list[str] | None = None, body: str = FILLER) -> str:
    """The base case with lines replaced (by 1-based number) and ``extra`` lines added before the closing '---'."""
    lines = list(BASE_LINES)
    for number, text in (replace or {}).items():
        lines[number - 1] = text
    lines[-1:-1] = extra or []
    return "\n".join(lines) + "\n" + body


def fm(*lines: str, body: str = "Body.\n") -> str:
    return "---\n" + "\n".join(lines) + "\n---\n" + body


@dataclass(frozen=True)
class Hostile:
    name: str
    content: str | bytes
    errors: list[tuple[int, str]]  # exact (line, code) of every error
    warnings: list[tuple[int, str]] = field(default_factory=list)
    says: str = ""  # a phrase the first error's message must contain


def _bytes(text: str) -> bytes:
    return text.encode("utf-8")


BILLION_LAUGHS = ['lol: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'] + [
    f"l{i}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(9)
]

REJECTED: list[Hostile] = [
    # --- missing, unterminated or malformed front-matter
    Hostile("no-front-matter.md", "# A case\n\nText.\n", [(1, "E010")], says="must start with a line '---'"),
    Hostile("unterminated.md", "---\ntitle: \"x\"\n\nBody without a closing line.\n", [(1, "E011")]),
    Hostile("blank-line-first.md", "\n" + case(), [(1, "E010")]),
    Hostile("empty-front-matter.md", "---\n---\nBody.\n", [(1, "E020")], says="empty"),
    Hostile("comment-only-front-matter.md", "---\n# nothing here\n---\nBody.\n", [(1, "E020")]),
    Hostile("front-matter-is-a-list.md", fm("- title", "- summary"), [(2, "E020")]),
    Hostile("front-matter-is-text.md", fm("just some words"), [(2, "E020")]),
    Hostile("unclosed-quote.md", case({2: 'title: "Synthetic'}), [(3, "E012")], says="YAML syntax error"),
    Hostile("unclosed-bracket.md", case({6: 'countries: ["MX"'}), [(7, "E012")]),
    Hostile("colon-in-plain-value.md", case({2: "title: Coordination: a case"}), [(2, "E012")]),
    Hostile("bad-indentation.md", case({10: " start: 2001", 9: "period:", 11: '   authors: ["T A"]'}), [(11, "E012")]),
    Hostile("yaml-directive.md", fm("%YAML 1.1", 'title: "x"'), [(3, "E012")]),
    Hostile("complex-key.md", fm("? [a, b]", ": c"), [(2, "E020")]),
    # --- tabs, anchors, aliases, merge keys, tags, duplicates
    Hostile("tab-indent.md", case({10: "\tstart: 2001"}), [(10, "E013")], says="tab"),
    Hostile("anchor.md", case({2: 'title: &t "Synthetic hostile case"'}), [(2, "E014")]),
    Hostile("alias.md", case(extra=['lessons: [&l "Synthetic lesson one", *l]']), [(12, "E014")]),
    Hostile("billion-laughs.md", fm(*BILLION_LAUGHS), [(2, "E014")]),
    Hostile("recursive-alias.md", fm("a: &a [*a]"), [(2, "E014")]),
    Hostile("merge-key.md", case({9: "period:", 10: "  <<: {start: 2001}"}), [(10, "E017")], says="merge keys"),
    Hostile(
        "python-tag.md", case({2: 'title: !!python/object/apply:os.system ["touch /tmp/casebook-pwned"]'}),
        [(2, "E015")], says="tags",
    ),
    Hostile("python-name-tag.md", case({2: "title: !!python/name:os.system"}), [(2, "E015")]),
    Hostile("binary-tag.md", case({2: "title: !!binary aGVsbG8="}), [(2, "E015")]),
    Hostile("local-tag.md", case({2: "title: !include /etc/passwd"}), [(2, "E015")]),
    Hostile("str-tag.md", case({10: "  start: !!int '2001'"}), [(10, "E015")]),
    Hostile("duplicate-key.md", case(extra=['title: "Another title"']), [(12, "E016")], says="first given on line 2"),
    Hostile("duplicate-nested-key.md", case({10: "  start: 2001\n  start: 2002"}), [(11, "E016")]),
    # --- YAML 1.1 surprises: loaded as text, so the schema says what it wanted
    Hostile("norway-as-scalar.md", case({6: "countries: NO"}), [(6, "E103")], says='write ["NO"]'),
    Hostile("yes-as-status.md", case({5: "status: yes"}), [(5, "E103")], says="'yes' is not one of"),
    Hostile("hex-year.md", case({10: "  start: 0x7D1"}), [(10, "E103")], says="a four-digit year"),
    Hostile("octal-year.md", case({10: "  start: 03721"}), [(10, "E103")]),
    Hostile("sexagesimal-year.md", case({10: "  start: 33:21"}), [(10, "E103")]),
    Hostile("float-year.md", case({10: "  start: 2001.5"}), [(10, "E103")]),
    Hostile("exponent-year.md", case({10: "  start: 2e3"}), [(10, "E103")]),
    Hostile("date-as-year.md", case({10: "  start: 2001-01-01"}), [(10, "E103")]),
    Hostile("boolean-year.md", case({10: "  start: true"}), [(10, "E103")], says="not true/false"),
    Hostile("null-end.md", case({10: "  start: 2001\n  end: null"}), [(11, "E103")]),
    Hostile("huge-integer-year.md", case({10: "  start: " + "9" * 400}), [(10, "E103")]),
    Hostile("implausible-year.md", case({10: "  start: 12345"}), [(10, "E103")], says="not a plausible year"),
    Hostile("negative-year.md", case({10: "  start: -2001"}), [(10, "E103")]),
    Hostile("invalid-date.md", case(extra=['updated: "2019-02-30"']), [(12, "E108")], says="not a real date"),
    Hostile("unquoted-invalid-date.md", case(extra=["updated: 2019-13-45"]), [(12, "E108")]),
    Hostile("date-not-iso.md", case(extra=['updated: "1 May 2019"']), [(12, "E103")]),
    Hostile("lowercase-country.md", case({6: "countries: [no]"}), [(6, "E106")], says="did you mean 'NO'?"),
    # --- wrong types
    Hostile("number-title.md", case({2: "title: 12345"}), [(2, "E103")], says="put the value in double quotes"),
    Hostile("list-title.md", case({2: 'title: ["a", "b"]'}), [(2, "E103")], says="not a list"),
    Hostile("mapping-summary.md", case({3: "summary: {a: b}"}), [(3, "E103")]),
    Hostile("scalar-mechanisms.md", case({8: "mechanisms: one-stop-shop"}), [(8, "E103")]),
    Hostile("number-author.md", case({11: "authors: [1234]"}), [(11, "E103")]),
    Hostile("period-as-year.md", case({9: "period: 2001", 10: 'lessons: ["Synthetic lesson"]'}), [(9, "E103")]),
    Hostile("deep-nesting.md", case(extra=["coordination: " + "[" * 40 + "]" * 40]), [(12, "E018")]),
    Hostile(
        "deep-block-nesting.md",
        case(extra=["coordination:"] + [" " * (2 * i) + f"k{i}:" for i in range(1, 12)]),
        [(20, "E018")],
    ),
    # --- unknown keys: rendering controls and misspellings
    Hostile("template-key.md", case(extra=['template: "404.html"']), [(12, "E102")],
            says="change how the site renders"),
    Hostile("hide-key.md", case(extra=["hide: [navigation, toc]"]), [(12, "E102")]),
    Hostile("search-key.md", case(extra=["search: {exclude: true}"]), [(12, "E102")]),
    Hostile("icon-key.md", case(extra=['icon: "material/skull"']), [(12, "E102")]),
    Hostile("misspelt-key.md", case({3: 'sumary: "Synthetic test case used only by the hostile tests."'}),
            [(1, "E101"), (3, "E102")], says="missing required field 'summary'"),
    Hostile("homoglyph-key.md", case({2: 'tіtle: "Synthetic hostile case"'}), [(1, "E101"), (2, "E102")]),
    Hostile("misspelt-nested-key.md", case({10: "  begin: 2001"}), [(9, "E101"), (10, "E102")]),
    # --- sizes
    Hostile("oversized-front-matter.md", case(extra=['lessons: ["' + "x" * 40_000 + '"]']), [(1, "E019")]),
    Hostile("oversized-file.md", case(body="word " * 210_000), [(1, "E003")], says="limit of 1,000,000 bytes"),
    Hostile("too-long-title.md", case({2: 'title: "' + "t" * 300 + '"'}), [(2, "E103")], says="the limit is 200"),
    # --- encodings and invisible characters
    Hostile("latin-1.md", case({2: 'title: "Caf\u00e9 coordination"'}).encode("latin-1"), [(2, "E001")],
            says="not valid UTF-8"),
    Hostile("utf-16.md", case().encode("utf-16"), [(1, "E001")]),
    Hostile("nul-byte.md", _bytes(case({2: 'title: "Synthetic\x00case"'})), [(2, "E002")]),
    Hostile("terminal-escape.md", _bytes(case(body=FILLER + "\x1b]0;pwned\x07\x1b[2J\n")), [(14, "E002")]),
    Hostile("c1-control.md", _bytes(case({2: 'title: "Synthetic \x9b31m case"'})), [(2, "E002")]),
    Hostile("bidi-override.md", _bytes(case({2: 'title: "Synthetic \u202ecase hostile"'})), [(2, "E002")],
            says="RIGHT-TO-LEFT OVERRIDE"),
    Hostile("line-separator.md", _bytes(case({2: 'title: "Synthetic\u2028case"'})), [(2, "E002")]),
    Hostile("bom-mid-file.md", _bytes(case({3: 'summary: "\ufeffSynthetic test case used only by the tests."'})),
            [(3, "E002")]),
    Hostile("escaped-terminal-escape.md", case({2: 'title: "Synthetic \\e[2J\\e]0;pwned\\a case"'}), [(2, "E002")],
            says="not even as an escape"),
    Hostile("escaped-bidi-key.md", case(extra=['"x\\u202ey": 1']), [(12, "E002")]),
    Hostile("form-feed.md", _bytes(case({2: 'title: "Synthetic\x0ccase"'})), [(2, "E002")]),
    # --- line endings: same outcome as LF
    Hostile("template-key-crlf.md", _bytes(case(extra=['template: "404.html"'])).replace(b"\n", b"\r\n"),
            [(12, "E102")]),
    Hostile("template-key-cr.md", _bytes(case(extra=['template: "404.html"'])).replace(b"\n", b"\r"), [(12, "E102")]),
    Hostile("template-key-bom.md", b"\xef\xbb\xbf" + _bytes(case(extra=['template: "404.html"'])), [(12, "E102")]),
]

# --- Accepted files: valid, built, and inspected in the HTML.

RAW_SCRIPT = 'Before.\n\n<script>window.__pwned = 1; document.title = "pwned"; alert(1)</script>\n\n' + FILLER
HANDLERS = (
    'Image: <img src="pixel.png" onerror="window.__pwned = 2; alert(2)">\n\n'
    '<div onmouseover="window.__pwned = 3" style="position:fixed;inset:0">cover</div>\n\n'
    '<details open ontoggle="window.__pwned = 4"><summary>s</summary>t</details>\n\n' + FILLER
)
URLS = (
    "[a](javascript:window.__pwned=5) [b](JaVaScRiPt:alert(5)) [c](data:text/html;base64,PHNjcmlwdD4=) "
    "[d](vbscript:msgbox) [e](&#106;avascript:alert(5)) [f](java&#x09;script:alert(5))\n\n"
    '<a href="jav&#x61;script:window.__pwned=6">g</a> <a href=" javascript:alert(6)">h</a> '
    '<a href="https://example.org/" target="_blank" ping="https://evil.example/">ok</a>\n\n'
    '[q](https://example.org/ "t\\" onmouseover=\\"window.__pwned=7")\n\n' + FILLER
)
ELEMENTS = (
    '<iframe src="https://evil.example/"></iframe>\n\n'
    '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/y">\n\n'
    '<form action="https://evil.example/"><input name="q"><button>go</button></form>\n\n'
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">\n\n'
    '<base href="https://evil.example/">\n\n'
    "<style>body { display: none }</style>\n\n"
    '<link rel="stylesheet" href="https://evil.example/x.css">\n\n'
    '<svg onload="window.__pwned=8"><script>window.__pwned=9</script></svg>\n\n'
    '<math><mi xlink:href="javascript:alert(10)">m</mi></math>\n\n'
    '<noscript><p title="</noscript><img src=x onerror=window.__pwned=11>"></noscript>\n\n'
    '<ScRiPt>window.__pwned = 12</sCrIpT>\n\n'
    '</article></div><script>window.__pwned = 13</script>\n\n'
    '<div data-md-component="search" data-note="kept">data attributes</div>\n\n' + FILLER
)
EXTERNAL_IMAGES = (
    '![tracker](https://evil.example/pixel.png)\n\n<img src="//evil.example/p2.png" alt="p2">\n\n'
    '![local](local.png)\n\n' + FILLER
)
FEATURES = (
    "## A heading\n\n"
    "| left | right |\n|:-----|------:|\n| 1 | 2 |\n\n"
    '!!! note "A note"\n    Admonition text.\n\n'
    "A claim.[^1]\n\n[^1]: The footnote.\n\n"
    "```python\nprint('<script>alert(1)</script>')\n```\n\n"
    "Inline `<script>` in code and <!-- a comment --> here.\n\n"
    "    <i>indented code</i>\n\n" + FILLER
)


@dataclass(frozen=True)
class Accepted:
    name: str
    content: str | bytes
    warnings: list[tuple[int, str]] = field(default_factory=list)


ACCEPTED: list[Accepted] = [
    Accepted("norway-unquoted.md", case({6: "countries: [NO]"})),
    Accepted(
        "script-in-title.md",
        case({2: 'title: "<script>window.__pwned=14</script></title><b>x"',
              3: "summary: \"<img src=x onerror=window.__pwned=15> a synthetic summary\""}),
    ),
    Accepted("script-in-organisation.md", case(extra=['organisations:', '  - name: "<b onclick=alert(16)>Org</b>"',
                                                      '    acronym: "\\"><script>alert(17)</script>"'])),
    Accepted("yaml11-plain-strings.md", case({11: "authors: [Yes Minister, Off]"}, extra=["updated: 2007-01-01"])),
    Accepted("raw-script.md", RAW_SCRIPT and case(body=RAW_SCRIPT), [(BODY_LINE + 2, "W203")]),
    Accepted("event-handlers.md", case(body=HANDLERS), [(BODY_LINE, "W203"), (BODY_LINE + 2, "W203"),
                                                         (BODY_LINE + 4, "W203")]),
    # Two links MkDocs cannot resolve: entities make them relative links, not javascript: ones.
    Accepted("hostile-urls.md", case(body=URLS), [(BODY_LINE, "W205"), (BODY_LINE, "W205"), (BODY_LINE + 2, "W203")]),
    Accepted("hostile-elements.md", case(body=ELEMENTS), [(BODY_LINE + 2 * i, "W203") for i in range(13)]),
    Accepted("external-images.md", case(body=EXTERNAL_IMAGES),
             [(BODY_LINE, "W204"), (BODY_LINE + 2, "W203"), (BODY_LINE + 2, "W204"), (BODY_LINE + 4, "W205")]),
    Accepted("markdown-features.md", case(body=FEATURES)),
    Accepted("line-ends-lf.md", case(body=FEATURES)),
    Accepted("line-ends-crlf.md", _bytes(case(body=FEATURES)).replace(b"\n", b"\r\n")),
    Accepted("line-ends-cr.md", _bytes(case(body=FEATURES)).replace(b"\n", b"\r")),
    Accepted("line-ends-bom.md", b"\xef\xbb\xbf" + _bytes(case(body=FEATURES)).replace(b"\n", b"\r\n")),
    Accepted("a.md", case()),  # its twin A.md is rejected for its capital letter
    Accepted("cites-hostile-bib.md", case(body="Claims [@js-url; @quote-url, p. 2] and [@markup].\n\n" + FILLER)),
]

#: Hostile bibliography files whose entries are accepted (shown inert); the hostile site uses them.
BIB_FOR_SITE = ["javascript-urls.bib", "quote-breaking-urls.bib", "markup-in-fields.bib"]


# --- File-name hazards, created on disk (some cannot be expressed as plain files in a table).

BAD_NAMES: dict[str, str] = {
    "With Space.md": "E110",
    "Upper.md": "E110",
    "A.md": "E110",
    "caf\u00e9.md": "E110",
    "c\u0430se.md": "E110",  # Cyrillic a
    "..md": "E110",
    "a..b.md": "E110",
    "-leading-dash.md": "E110",
    "double--hyphen.md": "E110",
    "trailing-.md": "E110",
    "under_score.md": "E110",
    "x" * 81 + ".md": "E110",
    "y" * 250 + ".md": "E110",
    ".hidden.md": "E110",
    "index.md": "E111",
    "countries.md": "E111",
    "data.md": "E111",
    "con.md": "E111",
    "shouting.MD": "E114",
    "notes.markdown": "E114",
    "notes.txt": "E114",
    "no-extension": "E114",
    "::error::forged.md": "E110",
    "sub-folder": "E115",
    "pipe.md": "E115",
    "link-out.md": "E113",
    "link-in.md": "E113",
}


def write_bad_names(cases: Path) -> None:
    """Create every entry of BAD_NAMES in ``cases``."""
    for name in BAD_NAMES:
        target = cases / name
        if name == "sub-folder":
            target.mkdir()
            (target / "inner.md").write_text(case(), encoding="utf-8")
        elif name == "pipe.md":
            os.mkfifo(target)
        elif name == "link-out.md":
            target.symlink_to("/etc/passwd")
        elif name == "link-in.md":
            target.symlink_to(cases / "a.md")
        else:
            target.write_text(case(), encoding="utf-8")
