"""Python-Markdown's link, image, reference, footnote and code span processors, in time linear in the paragraph.

Each of Python-Markdown's processors for ``[text](url)``, ``![alt](src)``, ``[text][id]``, ``[text]``,
``![alt][id]``, ``![alt]`` and ``[^note]`` looks for the end of its brackets by scanning forward from
every opener it is given, and the footnote pattern's regular expression does the same for every
``[^``. A paragraph of unmatched openers therefore costs time quadratic in its length: 8 KB of ``[``
took 9 s to render, and a case may be 1 MB. The code span processor scans on from every run of
backticks for a run as long (runs of 1, 2, 3... backticks: 32 s for 1 MB).
:class:`LinearInlineExtension` puts in their place, under the same names and priorities, subclasses
that ask a :class:`~casebook.core.brackets.BracketCache` instead (each paragraph's brackets are paired
and its runs of backticks listed once) and that skip, in one step, a run of openers that cannot start
a link.

The output is Python-Markdown's, character for character, for any input: every answer of the scans is
reproduced, including the odd ones (``tests/core/test_linear_time.py`` compares both on generated
input). Only processors that are exactly Python-Markdown's, with its patterns, are replaced; an
extension that brings its own keeps it.

The extension must come after the ones whose processors it replaces (``footnotes``): the plugin, the
validator and the export add it last.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING, Any

from markdown import Extension, Markdown
from markdown.extensions.footnotes import FootnoteInlineProcessor
from markdown.inlinepatterns import (
    BACKTICK_RE,
    IMAGE_LINK_RE,
    IMAGE_REFERENCE_RE,
    LINK_RE,
    REFERENCE_RE,
    BacktickInlineProcessor,
    ImageInlineProcessor,
    ImageReferenceInlineProcessor,
    InlineProcessor,
    LinkInlineProcessor,
    ReferenceInlineProcessor,
    ShortImageReferenceInlineProcessor,
    ShortReferenceInlineProcessor,
    dequote,
)

from casebook.core.brackets import BracketCache

#: The footnotes extension's pattern (it keeps it in a local variable).
FOOTNOTE_RE = r"\[\^([^\]]*)\]"
_FOOTNOTE = re.compile(FOOTNOTE_RE)
#: What the replacement footnote processor's pattern matches: only the opener, the rest is looked up.
FOOTNOTE_OPENER = r"\[\^"

Result = tuple[Any, int | None, int | None]


class _Brackets:
    """What the replacements share: the cache, the linear ``getText``, and skipping openers that never close."""

    brackets: BracketCache
    #: Whether the pattern's match ends with the ``[`` and starts with a ``!`` before it (images).
    IMAGE = False

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:  # noqa: N802 - Python-Markdown's name
        """As Python-Markdown's; when the bracket never closes, the text returned (which no caller reads) is empty."""
        close = self.brackets.text_end(data, index)
        if close is None:
            return "", len(data), False
        return data[index:close], close + 1, True

    def skip(self, m: re.Match[str], data: str) -> Result:
        """Nothing here, and nothing up to the next ``[`` that closes: no opener before it can start a link.

        Returning a start and an end without an element makes Python-Markdown search again from the end.
        """
        after = self.brackets.next_matched_open(data, m.end(0))
        if self.IMAGE and after < len(data):
            after -= 1  # where a "![" whose bracket closes would start
        return None, m.start(0), after


class _Links(_Brackets):
    """``getLink`` with the destination found by the cache instead of a scan."""

    RE_LINK: re.Pattern[str]
    RE_TITLE_CLEAN: re.Pattern[str]
    if TYPE_CHECKING:
        def unescape(self, text: str) -> str: ...  # Python-Markdown's, from the processor this is mixed into

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:  # noqa: N802
        m = self.RE_LINK.match(data, pos=index)
        if m is None or m.group(1):
            # No "(" here, or "(<url> 'title')": Python-Markdown answers these without its scan.
            result: tuple[str, str | None, int, bool] = super().getLink(data, index)  # type: ignore[misc]
            return result
        href, title, end, handled = self.brackets.link_destination(data, index, m.end())
        if title is not None:
            title = self.RE_TITLE_CLEAN.sub(" ", dequote(self.unescape(title.strip())))
        return self.unescape(href).strip(), title, end, handled


class LinearLinkInlineProcessor(_Links, LinkInlineProcessor):  # type: ignore[misc]
    """``[text](url "title")``."""

    def handleMatch(self, m: re.Match[str], data: str) -> Result:  # noqa: N802
        close = self.brackets.text_end(data, m.end(0))
        if close is None:
            return self.skip(m, data)
        href, title, index, handled = self.getLink(data, close + 1)
        if not handled:
            return None, None, None
        el = etree.Element("a")
        el.text = data[m.end(0):close]  # taken only now: a text copied for every failed opener costs N²
        el.set("href", href)
        if title is not None:
            el.set("title", title)
        return el, m.start(0), index


class LinearImageInlineProcessor(_Links, ImageInlineProcessor):  # type: ignore[misc]
    """``![alt](src "title")``."""

    IMAGE = True

    def handleMatch(self, m: re.Match[str], data: str) -> Result:  # noqa: N802
        close = self.brackets.text_end(data, m.end(0))
        if close is None:
            return self.skip(m, data)
        src, title, index, handled = self.getLink(data, close + 1)
        if not handled:
            return None, None, None
        el = etree.Element("img")
        el.set("src", src)
        if title is not None:
            el.set("title", title)
        el.set("alt", self.unescape(data[m.end(0):close]))
        return el, m.start(0), index


class LinearReferenceInlineProcessor(_Brackets, ReferenceInlineProcessor):  # type: ignore[misc]
    """``[text][id]``; its subclasses below are ``[text]``, ``![alt][id]`` and ``![alt]``."""

    #: Whether the reference needs an ``[id]`` after the text (the short forms take the text as the id).
    NEEDS_ID = True

    def handleMatch(self, m: re.Match[str], data: str) -> Result:  # noqa: N802
        close = self.brackets.text_end(data, m.end(0))
        if close is None:
            return self.skip(m, data)
        index = close + 1
        if self.NEEDS_ID and self.RE_LINK.match(data, pos=index) is None:
            return None, None, None  # evalId would refuse it; the text is not copied for nothing
        text = data[m.end(0):close]
        id, end, handled = self.evalId(data, index, text)
        if not handled:
            return None, None, None
        id = self.NEWLINE_CLEANUP_RE.sub(" ", id)
        if id not in self.md.references:  # ignore undefined refs
            return None, m.start(0), end
        href, title = self.md.references[id]
        return self.makeTag(href, title, text), m.start(0), end


class LinearShortReferenceInlineProcessor(LinearReferenceInlineProcessor, ShortReferenceInlineProcessor):  # type: ignore[misc]
    NEEDS_ID = False


class LinearImageReferenceInlineProcessor(LinearReferenceInlineProcessor, ImageReferenceInlineProcessor):  # type: ignore[misc]
    IMAGE = True


class LinearShortImageReferenceInlineProcessor(
    LinearReferenceInlineProcessor, ShortImageReferenceInlineProcessor  # type: ignore[misc]
):
    IMAGE = True
    NEEDS_ID = False


class LinearFootnoteInlineProcessor(FootnoteInlineProcessor):  # type: ignore[misc]
    """``[^note]``: the pattern matches the opener only, and the ``]`` is looked up.

    Python-Markdown's pattern, ``\\[\\^([^\\]]*)\\]``, scans from every ``[^`` to the next ``]``; when the note
    is not defined the search goes on after that ``]``, and that is where this one goes on too.
    """

    brackets: BracketCache

    def __init__(self, pattern: str, footnotes: Any) -> None:
        super().__init__(pattern, footnotes)
        self._lengths: tuple[int, int] = (-1, -1)

    def longest_id(self) -> int:
        # Notes are all defined (by the block parser) before any inline pattern runs.
        defined = self.footnotes.footnotes
        if self._lengths[0] != len(defined):
            self._lengths = (len(defined), max(map(len, defined), default=-1))
        return self._lengths[1]

    def handleMatch(self, m: re.Match[str], data: str) -> Result:  # noqa: N802
        close = self.brackets.next_char(data, "]", m.end(0))
        if close is None:
            return None, m.start(0), len(data)  # no "]" to the end: no later "[^" can match either
        if close - m.end(0) > self.longest_id() or data[m.end(0):close] not in self.footnotes.footnotes:
            return None, m.start(0), close + 1
        full = _FOOTNOTE.match(data, m.start(0), close + 1)
        assert full is not None
        result: Result = super().handleMatch(full, data)
        return result


class LinearBacktickInlineProcessor(BacktickInlineProcessor):  # type: ignore[misc]
    """```code```: the closing run of backticks is looked up instead of scanned for from every opener."""

    brackets: BracketCache

    def find_code_spans(self, start: int, text: str) -> tuple[int, int | None]:
        if start >= len(text) or text[start] != "`":
            result: tuple[int, int | None] = super().find_code_spans(start, text)
            return result
        return self.brackets.code_span(text, start)


#: Name, Python-Markdown's class and pattern, the replacement, and the priority Python-Markdown gives it.
REPLACEMENTS: tuple[tuple[str, type[InlineProcessor], str, type[InlineProcessor], float], ...] = (
    ("backtick", BacktickInlineProcessor, BACKTICK_RE, LinearBacktickInlineProcessor, 190),
    ("footnote", FootnoteInlineProcessor, FOOTNOTE_RE, LinearFootnoteInlineProcessor, 175),
    ("reference", ReferenceInlineProcessor, REFERENCE_RE, LinearReferenceInlineProcessor, 170),
    ("link", LinkInlineProcessor, LINK_RE, LinearLinkInlineProcessor, 160),
    ("image_link", ImageInlineProcessor, IMAGE_LINK_RE, LinearImageInlineProcessor, 150),
    ("image_reference", ImageReferenceInlineProcessor, IMAGE_REFERENCE_RE, LinearImageReferenceInlineProcessor, 140),
    ("short_reference", ShortReferenceInlineProcessor, REFERENCE_RE, LinearShortReferenceInlineProcessor, 130),
    ("short_image_ref", ShortImageReferenceInlineProcessor, IMAGE_REFERENCE_RE,
     LinearShortImageReferenceInlineProcessor, 125),
)


def install_linear_inline(md: Markdown) -> list[str]:
    """Replace, in ``md``, each of Python-Markdown's bracket processors by its linear twin; the names replaced."""
    cache = BracketCache()
    replaced = []
    for name, upstream, pattern, linear, priority in REPLACEMENTS:
        if name not in md.inlinePatterns:
            continue
        current = md.inlinePatterns[name]
        if type(current) is not upstream or current.pattern != pattern:
            continue  # an extension's own processor: left as it is
        if upstream is FootnoteInlineProcessor:
            processor: Any = linear(FOOTNOTE_OPENER, current.footnotes)
        elif upstream is BacktickInlineProcessor:
            processor = linear(pattern)
        else:
            processor = linear(pattern, md)
        processor.brackets = cache
        _replace(md.inlinePatterns, name, processor, priority)
        replaced.append(name)
    return replaced


def _replace(registry: Any, name: str, processor: Any, priority: float) -> None:
    """Put ``processor`` in ``name``'s place, keeping its place among processors of the same priority.

    ``Registry.register`` would move it after them ('footnote' and the citation processor share 175, and the
    order between them shows in the output), so the item is swapped in the registry's own mapping, the one
    thing its public interface does not offer; if that mapping is not there, ``register`` is the fallback.
    """
    items = getattr(registry, "_data", None)
    if isinstance(items, dict) and name in items:
        items[name] = processor
    else:
        registry.register(processor, name, priority)


class LinearInlineExtension(Extension):  # type: ignore[misc]
    """Installs the linear processors; list it after every other extension (it replaces what they registered)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        install_linear_inline(md)
