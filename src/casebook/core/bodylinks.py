"""The links and images a body's Markdown makes, with their lines, and the ids its page gets from it.

MkDocs checks every ``a[href]`` and ``img[src]`` of a page's element tree once Python-Markdown has built it
(``mkdocs/structure/pages.py``: its tree processor runs last, at priority 0), and counts as the page's anchors
every ``id`` in that tree, every ``<a name>``, and every ``id`` or ``<a name>`` in the page's raw HTML.
:class:`LinkRecorder` notes the same, in the validator's own parse of a body (``markup.py``), so that
``casebook validate`` checks what the strict build checks (``linkcheck.py``).

Python-Markdown keeps no positions, so :func:`locate_links` finds the line of each link in the source: the
destinations of ``](`` and of reference definitions are listed once, outside fenced code and code spans, and
each link takes the first unused one that reads the same. That is linear in the body; a link whose
destination is written otherwise (escaped characters, entities) gets the line of the link before it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from markdown.treeprocessors import Treeprocessor


@dataclass(frozen=True)
class BodyLink:
    """A link (``[text](url)``) or image (``![alt](url)``) of a body, as Python-Markdown wrote it."""

    line: int  # 1-based line within the body
    url: str
    image: bool = False


#: Links the site makes itself, always to an id it makes too: the headings' permalinks and the footnotes'.
SITE_LINK_CLASSES = frozenset({"headerlink", "footnote-ref", "footnote-backref"})


class LinkRecorder(Treeprocessor):  # type: ignore[misc]
    """Notes every link and image in document order, and every id, as MkDocs' own tree processors see them."""

    def __init__(self, md: Any, links: list[tuple[str, bool]], ids: set[str]) -> None:
        super().__init__(md)
        self.links = links
        self.ids = ids

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            ident = element.get("id")
            if ident:
                self.ids.add(ident)
            if element.tag == "a":
                name = element.get("name")
                if name:
                    self.ids.add(name)
                href = element.get("href")
                if href is not None and not SITE_LINK_CLASSES.intersection((element.get("class") or "").split()):
                    self.links.append((href, False))
            elif element.tag == "img":
                src = element.get("src")
                if src is not None:
                    self.links.append((src, True))


class _AnchorIds(HTMLParser):
    """MkDocs' reading of a page's raw HTML for anchors: each ``id``, and each ``<a name>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name == "id" or (name == "name" and tag == "a")):
                self.ids.add(value)


_MAYBE_TAG = re.compile(r"<[A-Za-z]")


def raw_html_ids(text: str) -> set[str]:
    """The ids MkDocs finds in a page's Markdown read as HTML (it reads the whole text, code included)."""
    if "<" not in text or not _MAYBE_TAG.search(text):
        return set()
    parser = _AnchorIds()
    try:
        parser.feed(text)
        parser.close()
    except AssertionError:  # "<![x": the standard parser gives up on a marked section it does not know
        pass
    return parser.ids


def fenced_lines(lines: list[str]) -> set[int]:
    """The indexes of the lines of fenced code blocks (fences included)."""
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


#: The destination after ``](``: in angle brackets, or up to white space or an unbalanced ')' (one level of
#: parentheses, as in ``p(1).md``).
_INLINE = re.compile(r"\]\([ \t]*\n?[ \t]*(?:<([^<>\n]*)>|([^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*))")
#: A reference definition ``[id]: url`` (not a footnote's ``[^id]:``), after a line break.
_DEFINITION = re.compile(r"\n {0,3}\[(?!\^)[^\]\n]*\]:[ \t]*\n?[ \t]*(?:<([^<>\n]*)>|(\S+))")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_BREAK = re.compile("\n")


#: A destination written plainly (no escapes, entities, angle brackets, brackets, backticks, spaces or parentheses),
#: with or without a title: what Python-Markdown puts in the element is exactly what is written.
_PLAIN = re.compile(r"""\]\(([^\s()<>\\&"'`\[\]]*)(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'))?[ \t]*\)""")
#: Anything that could be read as a reference definition (not a footnote's), in a list or a quote too.
_DEFINITION_LIKE = re.compile(r"\n[ \t>*+|0-9.)-]*\[(?!\^)[^\[\]\n]*\][ ]*:")
#: Heading text every extension of :data:`PLAIN_EXTENSIONS` leaves as written: words, spaces, some punctuation.
_PLAIN_HEADING = re.compile(r"[^\W_](?:[^\W_]|[ ,.:;?()/'-])*")


def plain_links(body: str) -> list[BodyLink] | None:
    """Every link and image ``body`` could make (in code too), with its line, when each is written plainly; None when
    one is not, or a reference definition could give one.

    Each link the parse would find is then one of these, with the same destination: when none of these is a broken
    link, none of the parse's is, and the body need not be parsed (``sitelinks.py`` parses it when one is).
    """
    if "](" in body:
        found = list(_PLAIN.finditer(body))
        if len(found) != body.count("]("):
            return None
    else:
        found = []
    if "]" in body and ":" in body and _DEFINITION_LIKE.search("\n" + body):
        return None
    breaks = [match.start() for match in _BREAK.finditer(body)] if found else []
    return [BodyLink(bisect_right(breaks, match.start() - 1) + 1, match.group(1)) for match in found]


def plain_heading_ids(body: str, slugify: Callable[[str, str], str], separator: str = "-") -> frozenset[str]:
    """Ids the page surely has: those of ATX headings of plain text, outside fenced code (others may be missed)."""
    if "#" not in body:
        return frozenset()
    lines = body.split("\n")
    fenced = fenced_lines(lines) if "```" in body or "~~~" in body else set()
    ids = set()
    for index, line in enumerate(lines):
        if line.startswith("#") and index not in fenced:
            level = len(line) - len(line.lstrip("#"))
            text = line[level:].strip().rstrip("#").strip()
            if level <= 6 and _PLAIN_HEADING.fullmatch(text) and "--" not in text and "..." not in text:
                ids.add(slugify(text, separator))
    return frozenset(ids)


def may_have_links(body: str) -> bool:
    """Whether ``body`` could make a link or an image: only ``](`` and reference definitions can."""
    if "]" not in body:
        return False
    return "](" in body or ("]:" in body and _DEFINITION.search("\n" + body) is not None)


def locate_links(body: str, found: list[tuple[str, bool]]) -> list[BodyLink]:
    """The links ``found`` in the parse (in document order), each with its line in ``body``."""
    if not found:
        return []
    lines = body.split("\n")
    fenced = fenced_lines(lines)
    breaks = [match.start() for match in _BREAK.finditer(body)]
    ticks: dict[int, list[int]] = {}

    def line_of(position: int) -> int:  # 0-based
        return bisect_right(breaks, position - 1)

    def in_code(position: int) -> bool:
        index = line_of(position)
        if index in fenced:
            return True
        if index not in ticks:
            line = lines[index]
            ticks[index] = [i for i, char in enumerate(line) if char == "`"] if "`" in line else []
        column = position - (breaks[index - 1] + 1 if index else 0)
        return bisect_left(ticks[index], column) % 2 == 1

    inline: dict[str, deque[int]] = {}
    for match in _INLINE.finditer(body):
        if not in_code(match.start()):
            written = match.group(1) if match.group(1) is not None else match.group(2)
            inline.setdefault(_ESCAPED.sub(r"\1", written), deque()).append(match.start())
    definitions: dict[str, int] = {}
    if "]:" in body:
        for match in _DEFINITION.finditer("\n" + body):
            if line_of(match.start()) in fenced:
                continue
            written = match.group(1) if match.group(1) is not None else match.group(2)
            definitions.setdefault(_ESCAPED.sub(r"\1", written), match.start())
    located: list[BodyLink] = []
    previous = 0
    for url, image in found:
        spots = inline.get(url)
        if spots:
            previous = line_of(spots.popleft())
        elif url in definitions:
            previous = line_of(definitions[url])
        located.append(BodyLink(previous + 1, url, image))
    return located
