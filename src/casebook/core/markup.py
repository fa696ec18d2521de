"""What contributors' Markdown holds, found the way the build parses it: raw HTML, outside images, admonition types,
and paragraphs too dense to render in reasonable time.

:func:`inspect_body` tells contributors before the build: it runs Python-Markdown's own block and inline
parsing with the site's extensions (so code spans and code blocks never count, and raw HTML nested in a
``???`` block counts as the build will render it) and reports every finding with its line.

Python-Markdown writes a paragraph out again after every inline element it finds in it (emphasis, a link, a
tag, a citation, an escaped character), so a paragraph of n characters holding k elements costs about n × k:
1 MB of ``*a* `` takes minutes. The link processors are linear (``linearinline.py``), but that loop is
Python-Markdown's own. So the parse here counts the characters it copies, and a body that would copy more
than :data:`COPY_BUDGET` is a finding (``E122``): the case is refused before anything renders it. Only a
body whose paragraphs could cost that much (:func:`worst_case_copies`) is parsed for it; real text never is.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import markdown
from markdown.inlinepatterns import HTML_RE, HtmlInlineProcessor
from markdown.preprocessors import HtmlBlockPreprocessor
from markdown.treeprocessors import Treeprocessor

from casebook.core.linearinline import LinearInlineExtension
from casebook.core.markdownsetup import MarkdownSetup

#: Admonition and details types (Material's, with their aliases), and the modifiers Material styles.
#: ``casebook validate`` refuses any other type: its word would become a class the theme acts on.
ADMONITION_TYPES = frozenset(
    {
        "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important", "success", "check",
        "done", "question", "help", "faq", "warning", "caution", "attention", "failure", "fail", "missing",
        "danger", "error", "bug", "example", "quote", "cite",
    }
)
ADMONITION_MODIFIERS = frozenset({"inline", "end"})

#: What a browser's URL parser drops from anywhere in a URL before reading it (ASCII tab and line breaks).
_URL_DROPPED = str.maketrans("", "", "\t\n\r")
#: What it strips from both ends: C0 control characters and the space.
_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def is_external_url(url: str) -> bool:
    """Whether ``url`` points to another host (or cannot be told apart from one).

    Read as a browser reads it: leading and trailing spaces and control characters stripped, tabs and line breaks
    removed wherever they are, and ``\\`` taken for ``/`` (``/&#10;\\evil.example/x.png`` is ``//evil.example``).
    """
    stripped = url.strip(_C0_AND_SPACE).translate(_URL_DROPPED).replace("\\", "/")
    if stripped.startswith("//"):
        return True
    try:
        parts = urlsplit(stripped)
    except ValueError:
        return True
    return bool(parts.scheme or parts.netloc)


@dataclass(frozen=True)
class RawHtml:
    line: int  # 1-based line within the body
    fragment: str


@dataclass(frozen=True)
class DenseText:
    """The longest paragraph of a body too dense to render: its first line within the body, and its length."""

    line: int
    length: int


@dataclass(frozen=True)
class Findings:
    """What a contributor should hear about a body before the build."""

    raw_html: list[RawHtml]
    external_images: list[RawHtml]
    #: Admonition or details types outside :data:`ADMONITION_TYPES` (their word would become a class).
    unknown_types: list[RawHtml] = field(default_factory=list)
    #: The longest paragraph of a body whose rendering would copy more than :data:`COPY_BUDGET` characters; the
    #: other findings are then those made until the parse stopped.
    too_dense: DenseText | None = None


#: Characters Python-Markdown may copy while it renders one body: a few seconds' work (measured: 200,000 characters
#: of "*a* ", 2.5e10 copied, take 2.6 s of CPU; 1 MB, 6e11, over three minutes). A paragraph of ordinary text
#: copies a few million.
COPY_BUDGET = 20_000_000_000
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _paragraphs(body: str) -> list[tuple[int, int]]:
    """(start, length) of each run of text between blank lines: no paragraph Python-Markdown finds is longer."""
    runs = []
    start = 0
    for match in _BLANK_LINE.finditer(body):
        runs.append((start, match.start() - start))
        start = match.end()
    runs.append((start, len(body) - start))
    return runs


def worst_case_copies(body: str) -> int:
    """At most how many characters rendering ``body`` copies: each run of n characters at most n²/2."""
    return sum(length * length // 2 for _, length in _paragraphs(body))


class _TooDense(Exception):
    pass


def _count_copies(processor: Any, budget: list[int]) -> None:
    """Make ``processor`` count, in ``budget[0]``, the characters Python-Markdown copies after each element it finds."""
    handle = processor.handleMatch

    def handleMatch(m: re.Match[str], data: str) -> Any:  # noqa: N802 - Python-Markdown's name
        result = handle(m, data)
        if result[0] is not None and result[1] is not None:  # an element: the text is written out again
            budget[0] -= len(data)
            if budget[0] < 0:
                raise _TooDense
        return result

    processor.handleMatch = handleMatch


class _ImageSources(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.sources.extend(value for name, value in attrs if name == "src" and value)


_MAYBE_HTML = re.compile(r"<[A-Za-z/?!]")  # a cheap necessary condition, not the detector


class _RecordingBlockPreprocessor(HtmlBlockPreprocessor):  # type: ignore[misc]
    """Python-Markdown's raw HTML block step, noting each block it sets aside."""

    def __init__(self, md: Any, found: list[str]) -> None:
        super().__init__(md)
        self.found = found

    def run(self, lines: list[str]) -> list[str]:
        stash = self.md.htmlStash
        before = len(stash.rawHtmlBlocks)
        result: list[str] = super().run(lines)
        self.found.extend(str(block) for block in stash.rawHtmlBlocks[before:])
        return result


class _RecordingInlineProcessor(HtmlInlineProcessor):  # type: ignore[misc]
    """Python-Markdown's inline raw HTML step (after code spans and escapes), noting each tag."""

    def __init__(self, md: Any, found: list[str]) -> None:
        super().__init__(HTML_RE, md)
        self.found = found

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Any, int, int]:
        self.found.append(m.group(1))
        result: tuple[Any, int, int] = super().handleMatch(m, data)
        return result


class _RecordingTypes(Treeprocessor):  # type: ignore[misc]
    """Notes the type words of every admonition and details block, as the extensions wrote them into ``class``."""

    def __init__(self, md: Any, types: list[str]) -> None:
        super().__init__(md)
        self.types = types

    def run(self, root: Any) -> None:
        for element in root.iter():
            classes = (element.get("class") or "").split()
            if element.tag == "details" or (element.tag == "div" and "admonition" in classes):
                self.types.extend(c for c in classes if c != "admonition")


def _parser(found: list[str], types: list[str], setup: MarkdownSetup, budget: list[int]) -> Any:
    # With the build's linear-time link processors: a body is parsed here as it will be, and in linear time.
    md = markdown.Markdown(extensions=[*setup.extensions, *setup.added, LinearInlineExtension()],
                           extension_configs=setup.configs)
    md.preprocessors.register(_RecordingBlockPreprocessor(md, found), "html_block", 20)
    md.inlinePatterns.register(_RecordingInlineProcessor(md, found), "html", 90)
    md.treeprocessors.register(_RecordingTypes(md, types), "casebook_types", 0)
    for processor in md.inlinePatterns:
        _count_copies(processor, budget)
    return md


def _fenced_lines(lines: list[str]) -> set[int]:
    inside: set[int] = set()
    fence: str | None = None
    for index, line in enumerate(lines):
        stripped = line.lstrip(" ")
        if fence is not None:
            inside.add(index)
            if stripped.startswith(fence) and not stripped[len(fence):].strip(fence[0]).strip():
                fence = None
            continue
        if stripped.startswith(("```", "~~~")) and len(line) - len(stripped) <= 3:
            char = stripped[0]
            fence = char * (len(stripped) - len(stripped.lstrip(char)))
            inside.add(index)
    return inside


def find_raw_html(body: str, setup: MarkdownSetup | None = None) -> list[RawHtml]:
    """Raw HTML fragments (comments excepted) in a Markdown body, in the order they appear."""
    return inspect_body(body, setup).raw_html


def inspect_body(body: str, setup: MarkdownSetup | None = None) -> Findings:
    """Raw HTML, images from other hosts and unknown admonition types in a Markdown body, with lines.

    The body is parsed with ``setup``'s extensions, the ones the site renders with (``mkdocs.yml``).
    """
    # One-character tests first: they are a fast memchr, a regex search or a longer needle is not.
    if (("<" not in body or not _MAYBE_HTML.search(body)) and ("!" not in body or "![" not in body)
            and "!!!" not in body and "???" not in body and worst_case_copies(body) <= COPY_BUDGET):
        return Findings([], [])  # none can be present: skip the parse (validation stays fast)
    found: list[str] = []
    types: list[str] = []
    budget = [COPY_BUDGET]
    try:
        html = str(_parser(found, types, setup or MarkdownSetup(), budget).convert(body))
    except _TooDense:
        start, length = max(_paragraphs(body), key=lambda run: run[1])
        dense = DenseText(body.count("\n", 0, start) + 1, length)
        fragments = [f for f in found if not f.lstrip().startswith("<!--")]
        return Findings(_locate(body, fragments), [], [], dense)
    fragments = [f for f in found if not f.lstrip().startswith("<!--")]
    images = _ImageSources()
    images.feed(html)
    external = [src for src in images.sources if is_external_url(src)]
    unknown = [t for t in dict.fromkeys(types) if t not in ADMONITION_TYPES and t not in ADMONITION_MODIFIERS]
    return Findings(_locate(body, fragments), _locate(body, external, _url_needle), _locate_types(body, unknown))


def _locate_types(body: str, unknown: list[str]) -> list[RawHtml]:
    # The line of each admonition or details opener ("!!!", "???", "???+") naming an unknown type.
    if not unknown:
        return []
    lines = body.split("\n")
    fenced = _fenced_lines(lines)
    found: list[RawHtml] = []
    for kind in unknown:
        line_number = 1
        for index, line in enumerate(lines):
            words = line.strip().split()
            if index not in fenced and words and words[0] in ("!!!", "???", "???+") and kind in words[1:]:
                line_number = index + 1
                break
        found.append(RawHtml(line_number, kind))
    found.sort(key=lambda r: r.line)
    return found


def _url_needle(url: str) -> str:
    # The longest run of a URL without spaces or control characters: what of it the source holds as written, when
    # a character reference (&#10;) stands for one of them there.
    return max(re.split(r"[\x00-\x20]+", url.strip()), key=len)


def _locate(body: str, fragments: list[str], needle_of: Callable[[str], str] | None = None) -> list[RawHtml]:
    # Python-Markdown does not keep positions: find each fragment's line in the source, skipping
    # fenced code and code spans, each occurrence used once: the first occurrence not used yet.
    # Each text's search goes on from its last find (everything before it is used or in code, and
    # stays so), and a line's backticks are counted once: a body of many fragments costs linear time,
    # not a search from the top per fragment (1 MB of "<b>x</b>" took hours).
    if not fragments:
        return []
    lines = body.split("\n")
    fenced = _fenced_lines(lines)
    used: set[tuple[int, int]] = set()
    ticks: dict[int, list[int]] = {}
    resume: dict[str, tuple[int, int]] = {}
    found: list[RawHtml] = []

    def outside_code_span(index: int, column: int) -> bool:
        # An even number of backticks before the column on its line.
        if index not in ticks:
            line = lines[index]
            ticks[index] = [i for i, char in enumerate(line) if char == "`"] if "`" in line else []
        return bisect_left(ticks[index], column) % 2 == 0

    for fragment in fragments:
        needle = needle_of(fragment) if needle_of else fragment.strip().split("\n", 1)[0].strip()
        line_number = 1
        first_index, first_column = resume.get(needle, (0, 0))
        resume[needle] = (len(lines), 0)  # unless found below: none is left
        for index in range(first_index, len(lines)):
            if index in fenced:
                continue
            line = lines[index]
            column = line.find(needle, first_column if index == first_index else 0)
            while column != -1 and ((index, column) in used or not outside_code_span(index, column)):
                column = line.find(needle, column + 1)
            if column != -1:
                used.add((index, column))
                resume[needle] = (index, column + 1)
                line_number = index + 1
                break
        found.append(RawHtml(line_number, fragment))
    found.sort(key=lambda r: r.line)
    return found
