"""Inline citations: ``[@key]``, ``[@key, p. 12]``, ``[@a; @b, pp. 4-5]``.

Rendering is a Python-Markdown inline processor, so citations in code spans and code blocks stay
literal, escaped brackets (``\\[@key]``) are text, and an e-mail address is never a citation (a
citation's bracket must open with ``@``). Each citation becomes "(Author Year, locator)" with a link to
the entry on the bibliography page; locators are kept exactly as written.

Validation needs line numbers, which Python-Markdown does not keep, and must be fast, so
:func:`scan_citations` reads the source directly with the same citation grammar, skipping fenced code
blocks, code spans, HTML comments and escaped brackets.
"""

from __future__ import annotations

import posixpath
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markdown import Extension, Markdown
from markdown.inlinepatterns import InlineProcessor

from casebook.core.escape import html_attr, html_text
from casebook.core.linearinline import LinearInlineExtension

#: A citation key: word characters with ``: . + / -`` inside (``traction-guatemala-mfr``, ``doe:2020.a``).
KEY = r"\w(?:[\w:.+/-]*\w)?"
#: An item's start: ``@key`` and the white space around it. Matched, not searched, and never backtracking far:
#: the rest (``, locator``) is read without a pattern, as ``\s*(?:,\s*(.*?))?\s*`` would, in linear time.
_ITEM_HEAD = re.compile(rf"\s*@({KEY})\s*")
#: The bracket of a citation: it opens with '@', holds no other bracket, and is not a link's text.
CITATION = re.compile(r"\[(@[^\[\]]*)\](?![(\[])")
BIBLIOGRAPHY_PAGE = "bibliography.md"
#: Before 'reference' (170) and 'link' (160), after 'backtick' (190) and 'escape' (180).
PRIORITY = 175


@dataclass(frozen=True)
class CiteItem:
    key: str
    locator: str


@dataclass(frozen=True)
class Citation:
    """One cited key at one place in a file."""

    key: str
    line: int
    locator: str = ""


def parse_citation(inner: str) -> list[CiteItem] | None:
    """The items of a citation's bracket content (``@a, p. 3; @b``), or ``None`` if it is not one."""
    items = _items(inner)
    return None if items is None else [CiteItem(key, locator) for key, locator in items]


def _items(inner: str) -> list[tuple[str, str]] | None:
    """(key, locator) of each item of a citation's bracket content, or ``None`` if it is not a citation."""
    items = []
    for part in inner.split(";"):
        match = _ITEM_HEAD.match(part)
        if match is None:
            return None
        rest = part[match.end():]
        if rest and rest[0] != ",":
            return None  # "@key" must end the item or be followed by a comma
        items.append((match.group(1), " ".join(rest[1:].split())))
    return items


# --- Finding citations in source text, with lines ------------------------------------------------

_FENCE = re.compile(r"^[ \t>]*(?:[-*+]\s+|\d+[.)]\s+)?(`{3,}|~{3,})")
_BACKTICKS = re.compile(r"`+")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _blank(text: str) -> str:
    """``text`` with every character but newlines turned into a space (keeps offsets and lines)."""
    return re.sub(r"[^\n]", " ", text)


def mask_code(body: str) -> str:
    """``body`` with fenced code blocks, code spans and HTML comments blanked out."""
    if "`" not in body and "~" not in body and ("<" not in body or "<!--" not in body):
        return body  # nothing to blank (the common case; the checks below are per line and per character)
    lines = body.split("\n")
    fence: str | None = None
    for i, line in enumerate(lines):
        if fence is None and "`" not in line and "~" not in line:
            continue  # cannot open a fence
        match = _FENCE.match(line)
        if fence is None:
            if match and not (match.group(1)[0] == "`" and "`" in line[match.end():]):
                fence = match.group(1)
                lines[i] = ""
        else:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                    and not line[match.end():].strip():
                fence = None
            lines[i] = ""
    text = "\n".join(lines)
    if "<!--" in text:
        # Only up to the last "-->": an opener after it never closes, and searching on from each one would cost
        # the rest of the text per opener.
        last = text.rfind("-->") + 3
        text = _COMMENT.sub(lambda m: _blank(m.group()), text[:last]) + text[last:]
    if "`" not in text:
        return text
    return _mask_code_spans(text)


def _mask_code_spans(text: str) -> str:
    """``text`` with its code spans blanked: a run of backticks closes at the next run of exactly its length.

    The runs are listed once, by length, and each closer is looked up: searching the rest of the text from every
    run that closes nowhere (runs of 1, 2, 3... backticks) would cost the text's length per run.
    """
    runs = [(match.start(), match.end()) for match in _BACKTICKS.finditer(text)]
    by_length: dict[int, list[int]] = {}
    for start, end in runs:
        by_length.setdefault(end - start, []).append(start)
    out = []
    pos = 0
    for start, end in runs:
        if start < pos:
            continue  # inside a span already blanked
        same = by_length[end - start]
        after = bisect_right(same, start)
        if after == len(same):
            continue  # no closer: the backticks stay as they are
        close = same[after] + end - start
        out.append(text[pos:start])
        out.append(_blank(text[start:close]))
        pos = close
    out.append(text[pos:])
    return "".join(out)


def scan_citations(body: str, first_line: int = 1) -> list[Citation]:
    """Every citation in a Markdown ``body`` whose first line is line ``first_line`` of its file."""
    text = mask_code(body)
    found: list[Citation] = []
    line = first_line
    counted = 0
    for match in CITATION.finditer(text):
        start = match.start()
        if start > 0 and text[start - 1] == "\\":
            continue
        inner = match.group(1)
        items = _items(inner)
        if items is None:
            continue
        line += text.count("\n", counted, start)
        counted = start
        if "\n" not in inner:  # the common case: every item is on the bracket's line
            found += [Citation(key, line, locator) for key, locator in items]
            continue
        offset = 0
        for key, locator in items:
            at = inner.find("@" + key, offset)
            offset = at + 1
            found.append(Citation(key, line + inner.count("\n", 0, max(at, 0)), locator))
    return found


# --- Rendering: the Markdown extension -----------------------------------------------------------


class CitationState:
    """What the extension needs from the build: author–year labels, and the page being rendered."""

    def __init__(self) -> None:
        self.labels: Mapping[str, str] = {}
        self.page: str = "index.md"
        #: The bibliography page's URL relative to the page being rendered (``../../bibliography/``), as
        #: MkDocs would write it; unset, a relative link to ``bibliography.md`` (tests, previews).
        self.bibliography_url: str | None = None
        self.missing: list[tuple[str, str]] = []

    def bibliography_link(self, key: str) -> str:
        if self.bibliography_url is not None:
            return f"{self.bibliography_url}#{key}"
        return f"{_bibliography_from(posixpath.dirname(self.page) or '.')}#{key}"


@lru_cache(maxsize=256)
def _bibliography_from(folder: str) -> str:
    """The relative path from a page in ``folder`` to the bibliography page (computed once per folder)."""
    return posixpath.relpath(BIBLIOGRAPHY_PAGE, folder)


class CitationProcessor(InlineProcessor):  # type: ignore[misc]
    """A citation becomes a finished piece of HTML, stashed like inline raw HTML.

    Nothing in a citation is Markdown, and its link is final, so it never needs to be an element tree:
    stashed, it costs Python-Markdown no inline-pattern passes, no serializing and no link rewriting.
    Labels, locators and keys are escaped here.
    """

    def __init__(self, pattern: str, md: Markdown, state: CitationState) -> None:
        super().__init__(pattern, md)
        self.state = state

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Any, Any, Any]:  # noqa: N802
        items = parse_citation(m.group(1))
        if items is None:
            return None, None, None
        parts = []
        previous_key = None
        for item in items:
            label = self.state.labels.get(item.key)
            if label is None:
                self.state.missing.append((self.state.page, item.key))
                text = f"@{item.key}" + (f", {item.locator}" if item.locator else "")
                parts.append(f'<span class="cb-cite-missing">{html_text(text)}</span>')
                continue
            if item.key == previous_key and item.locator:
                text = item.locator  # "(Benavides Rincón 2012, sec. 3.3; sec. 3.4)"
            else:
                text = label + (f", {item.locator}" if item.locator else "")
            href = html_attr(self.state.bibliography_link(item.key))
            parts.append(f'<a class="cb-cite" href="{href}">{html_text(text)}</a>')
            previous_key = item.key
        html = '<span class="cb-citation">(' + "; ".join(parts) + ")</span>"
        return self.md.htmlStash.store(html), m.start(0), m.end(0)


class CitationExtension(Extension):  # type: ignore[misc]
    """Registers the citation processor; one instance serves every page of a build."""

    def __init__(self, state: CitationState | None = None, **kwargs: Any) -> None:
        self.state = state or CitationState()
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        md.inlinePatterns.register(CitationProcessor(CITATION.pattern, md, self.state), "casebook_citation", PRIORITY)


def render(text: str, labels: Mapping[str, str], page: str = "cases/x.md",
           extensions: list[Any] | None = None) -> str:
    """Markdown to HTML with citations (for tests and previews)."""
    state = CitationState()
    state.labels = labels
    state.page = page
    md = Markdown(extensions=[*(extensions or []), CitationExtension(state), LinearInlineExtension()])
    return str(md.convert(text))


