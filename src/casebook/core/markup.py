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
from markdown.extensions.toc import slugify as toc_slugify
from markdown.inlinepatterns import HTML_RE, HtmlInlineProcessor
from markdown.preprocessors import HtmlBlockPreprocessor
from markdown.treeprocessors import Treeprocessor

from casebook.core.bodylinks import (
    BodyLink,
    LinkRecorder,
    fenced_lines,
    locate_links,
    may_have_links,
    plain_heading_ids,
    plain_links,
    raw_html_ids,
)
from casebook.core.ids import guarded_slugify
from casebook.core.linearinline import LinearInlineExtension
from casebook.core.markdownsetup import DEFAULT_EXTENSIONS, MarkdownSetup

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

#: Extensions that make no link but from ``[text](url)``, ``![alt](url)`` and reference definitions, and leave
#: plain text as written: with only these, a body's links can be listed without a parse (``bodylinks.py``).
PLAIN_EXTENSIONS = frozenset({*DEFAULT_EXTENSIONS, *(f"markdown.extensions.{name}" for name in DEFAULT_EXTENSIONS)})

#: What a browser's URL parser drops from anywhere in a URL before reading it (ASCII tab and line breaks).
_URL_DROPPED = str.maketrans("", "", "\t\n\r")
#: What it strips from both ends: C0 control characters and the space.
_C0_AND_SPACE = "".join(map(chr, range(0x21)))


#: ``<![`` that Python's HTML reader cannot read: any word after it but a marked section's keyword (``CDATA``...).
#: MkDocs feeds every page's whole Markdown source to that reader (to find its ids), code blocks included, and
#: the build then stops with an exception.
_UNREADABLE_DECLARATION = re.compile(
    r"<!\[(?!(?:temp|cdata|ignore|include|rcdata|if|else|endif)(?![-_.a-zA-Z0-9]))", re.IGNORECASE
)


#: What E123 tells a contributor (``casebook validate``, and the build for hand-written pages).
UNREADABLE_DECLARATION = (
    "'<![' here would stop the build (the HTML reader MkDocs runs over every page's text, code blocks included, "
    "cannot read it): write '&lt;![', or '<' and '![' apart"
)


def unreadable_declarations(body: str) -> list[int]:
    """The lines (1-based) of ``body`` with a ``<![`` that would stop MkDocs' build, code blocks included."""
    if "<![" not in body:
        return []
    return [body.count("\n", 0, m.start()) + 1 for m in _UNREADABLE_DECLARATION.finditer(body)]


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
    #: The links and images the Markdown makes, in document order (the site's own, to footnotes and headings, left
    #: out): ``linkcheck.py`` checks them as the build will.
    links: list[BodyLink] = field(default_factory=list)
    #: The ids the body gives its page (headings, footnotes, raw HTML), when it was parsed; else some of them.
    ids: frozenset[str] | None = None
    #: Whether ``links`` are the parse's, or (False) every link the body could make (see ``bodylinks.py``).
    exact_links: bool = True


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


def site_configs(setup: MarkdownSetup) -> dict[str, dict[str, Any]]:
    """The extensions' options as the plugin gives them to the build: headings never take an id the theme uses."""
    configs = dict(setup.configs)
    for name in ("toc", "markdown.extensions.toc"):
        if name in setup.extensions:
            toc = dict(configs.get(name, {}))
            toc["slugify"] = guarded_slugify(toc.get("slugify", toc_slugify))
            configs[name] = toc
    return configs


def _markdown(setup: MarkdownSetup, links: list[tuple[str, bool]], ids: set[str]) -> Any:
    # With the build's linear-time link processors: a body is parsed here as it will be, and in linear time.
    md = markdown.Markdown(extensions=[*setup.extensions, *setup.added, LinearInlineExtension()],
                           extension_configs=site_configs(setup))
    md.treeprocessors.register(LinkRecorder(md, links, ids), "casebook_links", 0)
    return md


def _parser(found: list[str], types: list[str], setup: MarkdownSetup, budget: list[int],
            links: list[tuple[str, bool]], ids: set[str]) -> Any:
    md = _markdown(setup, links, ids)
    md.preprocessors.register(_RecordingBlockPreprocessor(md, found), "html_block", 20)
    md.inlinePatterns.register(_RecordingInlineProcessor(md, found), "html", 90)
    md.treeprocessors.register(_RecordingTypes(md, types), "casebook_types", 0)
    for processor in md.inlinePatterns:
        _count_copies(processor, budget)
    return md


def page_ids(text: str, setup: MarkdownSetup | None = None) -> frozenset[str]:
    """The anchors MkDocs finds on a page made of the Markdown ``text``: ids in its element tree and raw HTML."""
    ids: set[str] = set()
    _markdown(setup or MarkdownSetup(), [], ids).convert(text)
    return frozenset(ids | raw_html_ids(text))


def find_raw_html(body: str, setup: MarkdownSetup | None = None) -> list[RawHtml]:
    """Raw HTML fragments (comments excepted) in a Markdown body, in the order they appear."""
    return inspect_body(body, setup).raw_html


def plain_ids(body: str, setup: MarkdownSetup) -> frozenset[str]:
    """Ids the body surely gives its page, found without a parse: those of its plain headings (``bodylinks.py``)."""
    if "toc" not in setup.extensions:
        return frozenset()
    toc = site_configs(setup)["toc"]
    return plain_heading_ids(body, toc["slugify"], toc.get("separator", "-"))


def plain_setup(setup: MarkdownSetup) -> bool:
    """Whether ``setup``'s extensions are all known to write what ``[text](url)`` says, as written.

    Links that only an extension makes, without ``](`` or a reference definition (``[[wikilinks]]``), are not
    looked for: a body without those is not parsed, whatever the extensions.
    """
    return all(name in PLAIN_EXTENSIONS for name in setup.extensions)


def inspect_body(body: str, setup: MarkdownSetup | None = None, *, exact: bool = False) -> Findings:
    """Raw HTML, images from other hosts, unknown admonition types and links in a Markdown body, with lines.

    The body is parsed with ``setup``'s extensions, the ones the site renders with (``mkdocs.yml``). A body that
    needs no parse but for its links, all written plainly, is not parsed unless ``exact`` is given: its findings
    then list every link it could make (``exact_links`` is False) and the ids of its plain headings.
    """
    setup = setup or MarkdownSetup()
    # One-character tests first: they are a fast memchr, a regex search or a longer needle is not.
    if (("<" not in body or not _MAYBE_HTML.search(body)) and ("!" not in body or "![" not in body)
            and "!!!" not in body and "???" not in body and worst_case_copies(body) <= COPY_BUDGET):
        if not may_have_links(body):
            return Findings([], [])  # none can be present: skip the parse (validation stays fast)
        plain = None if exact or not plain_setup(setup) else plain_links(body)
        if plain is not None:
            return Findings([], [], links=plain, ids=plain_ids(body, setup), exact_links=False)
    found: list[str] = []
    types: list[str] = []
    budget = [COPY_BUDGET]
    links: list[tuple[str, bool]] = []
    ids: set[str] = set()
    try:
        html = str(_parser(found, types, setup, budget, links, ids).convert(body))
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
    return Findings(_locate(body, fragments), _locate(body, external, _url_needle), _locate_types(body, unknown),
                    links=locate_links(body, links), ids=frozenset(ids | raw_html_ids(body)))


def _locate_types(body: str, unknown: list[str]) -> list[RawHtml]:
    # The line of each admonition or details opener ("!!!", "???", "???+") naming an unknown type.
    if not unknown:
        return []
    lines = body.split("\n")
    fenced = fenced_lines(lines)
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
    fenced = fenced_lines(lines)
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
