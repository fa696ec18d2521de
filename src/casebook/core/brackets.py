"""Where brackets, parentheses and quotes close in a text, found once per text instead of once per opener.

Python-Markdown finds the end of a link's text (``[text]``) and of its destination (``(url "title")``) by
scanning forward from each opener, one character at a time (``LinkInlineProcessor.getText`` and
``getLink``). An opener that never closes is scanned to the end of the paragraph, and so is every opener
after it: a paragraph of N unmatched ``[`` costs N²/2 steps (8 KB took 9 s). Here each text is indexed
once (the pairs of brackets and of parentheses, where the quotes and the parentheses are), and every
question those scans answered is answered from the index in logarithmic time.

Python-Markdown rewrites the paragraph as it goes: each element it finds is replaced by a placeholder,
so the next question comes with a new string. Only what lies before the current position changes, and
everything asked about here (where an opener closes, where the next quote is) depends on the text from
the opener to the end. So a :class:`BracketCache` keeps the index of a text and reuses it for a new
string whose end, from the position asked about, is the indexed text's end (checked by comparing the two
tails, once per new string). A text that shares no such tail (the next pattern's pass, the text inside a
link) gets an index of its own; the cache keeps the few most recent ones.

:meth:`BracketCache.link_destination` reproduces the whole state machine of ``getLink``'s scan, including
its handling of unbalanced quotes, so that the links found are the ones Python-Markdown finds.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import NamedTuple

_BRACKETS = re.compile(r"[\[\]]")
_TICKS = re.compile(r"`+")
_PARENS = re.compile(r"[()]")
#: A quote followed by spaces and ``)``: where ``getLink`` may end a title (see ``link_destination``).
_CLOSER = re.compile(r"""['"] *\)""")
QUOTES = ("'", '"')


def _pairs(text: str, pattern: re.Pattern[str], opener: str) -> dict[int, int]:
    """Each opener's position mapped to its closer's, matched as nested pairs; an opener never closed is absent."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for match in pattern.finditer(text):
        at = match.start()
        if text[at] == opener:
            stack.append(at)
        elif stack:
            pairs[stack.pop()] = at
    return pairs


def _positions(text: str, char: str) -> list[int]:
    found: list[int] = []
    at = text.find(char)
    while at != -1:
        found.append(at)
        at = text.find(char, at + 1)
    return found


class TextIndex:
    """What one text's scans would find; each part is computed when first asked for."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._brackets: dict[int, int] | None = None
        self._matched_opens: list[int] | None = None
        self._parens: dict[int, int] | None = None
        self._positions: dict[str, list[int]] = {}
        self._closers: tuple[list[int], list[int]] | None = None
        self._ticks: _Ticks | None = None

    def bracket_close(self, opener: int) -> int | None:
        """Where the ``[`` at ``opener`` closes (``getText``'s answer), or ``None``."""
        if self._brackets is None:
            self._brackets = _pairs(self.text, _BRACKETS, "[")
        return self._brackets.get(opener)

    def next_matched_open(self, start: int) -> int | None:
        """The first ``[`` at or after ``start`` that closes."""
        if self._matched_opens is None:
            if self._brackets is None:
                self._brackets = _pairs(self.text, _BRACKETS, "[")
            self._matched_opens = sorted(self._brackets)
        i = bisect_left(self._matched_opens, start)
        return self._matched_opens[i] if i < len(self._matched_opens) else None

    def paren_close(self, opener: int) -> int | None:
        if self._parens is None:
            self._parens = _pairs(self.text, _PARENS, "(")
        return self._parens.get(opener)

    def positions(self, chars: str) -> list[int]:
        """Every position of any of ``chars`` (one or more characters), in order."""
        found = self._positions.get(chars)
        if found is None:
            if len(chars) == 1:
                found = _positions(self.text, chars)
            else:
                found = sorted(p for char in chars for p in self.positions(char))
            self._positions[chars] = found
        return found

    def next_position(self, chars: str, start: int) -> int | None:
        """The first position at or after ``start`` of any of ``chars``."""
        found = self.positions(chars)
        i = bisect_left(found, start)
        return found[i] if i < len(found) else None

    def count(self, char: str, start: int, end: int) -> int:
        """How many ``char`` lie in ``[start, end)``."""
        found = self.positions(char)
        return bisect_left(found, end) - bisect_left(found, start)

    def ticks(self) -> _Ticks:
        if self._ticks is None:
            self._ticks = _Ticks(self.text)
        return self._ticks

    def closers(self) -> tuple[list[int], list[int]]:
        """The quote and the ``)`` of every quote followed by spaces and ``)``, in order."""
        if self._closers is None:
            quotes: list[int] = []
            ends: list[int] = []
            for match in _CLOSER.finditer(self.text):
                quotes.append(match.start())
                ends.append(match.end() - 1)
            self._closers = (quotes, ends)
        return self._closers


class _Ticks:
    """The runs of backticks of a text: where each starts, its length, where the runs of each length start,
    and from each run on, the first of the longest runs (for ``BacktickInlineProcessor.find_code_spans``)."""

    def __init__(self, text: str) -> None:
        self.starts: list[int] = []
        self.lengths: list[int] = []
        self.by_length: dict[int, list[int]] = {}
        for match in _TICKS.finditer(text):
            self.starts.append(match.start())
            self.lengths.append(match.end() - match.start())
            self.by_length.setdefault(match.end() - match.start(), []).append(match.start())
        #: For each run, the index of the first longest run from it to the end.
        self.longest_from = [0] * len(self.starts)
        best = -1
        for i in range(len(self.starts) - 1, -1, -1):
            if best < 0 or self.lengths[i] >= self.lengths[best]:
                best = i
            self.longest_from[i] = best


class _Entry:
    """An index, and the one other string known to end like its text from position ``verified`` on."""

    __slots__ = ("index", "data", "verified")

    def __init__(self, index: TextIndex) -> None:
        self.index = index
        self.data: str | None = None
        self.verified = 0

    def covers(self, data: str, pos: int) -> bool:
        """Whether ``data[pos:]`` is the end of the indexed text (then its answers hold for ``data`` from ``pos``)."""
        text = self.index.text
        if data is text:
            return True
        shift = len(text) - len(data)
        if pos + shift < 0:
            return False
        if data is self.data:
            if pos >= self.verified:
                return True
            same = data[pos:self.verified] == text[pos + shift:self.verified + shift]
        else:
            tail = len(data) - pos
            # Cheap refusals first: the last character, and the one at ``pos``.
            same = tail == 0 or (data[-1] == text[-1] and data[pos] == text[pos + shift]
                                 and text.endswith(data[pos:]))
        if same:
            self.data = data
            self.verified = pos
        return same


class LinkDestination(NamedTuple):
    """What ``getLink``'s scan finds: the raw destination and title, the position after the link, success."""

    href: str
    title: str | None
    end: int
    handled: bool


class BracketCache:
    """Indexes of the last few texts asked about, reused for strings that end like them."""

    SIZE = 8

    def __init__(self) -> None:
        self.entries: list[_Entry] = []

    def lookup(self, data: str, pos: int) -> tuple[TextIndex, int]:
        """An index whose answers hold for ``data`` from ``pos`` on, and the shift from ``data``'s positions to it."""
        for i, entry in enumerate(self.entries):
            if entry.covers(data, pos):
                if i:
                    self.entries.insert(0, self.entries.pop(i))
                return entry.index, len(entry.index.text) - len(data)
        entry = _Entry(TextIndex(data))
        self.entries.insert(0, entry)
        del self.entries[self.SIZE:]
        return entry.index, 0

    def clear(self) -> None:
        self.entries = []

    def text_end(self, data: str, index: int) -> int | None:
        """Where the link text starting at ``index`` ends (the position of its ``]``), as ``getText`` finds it.

        ``index`` follows the ``[`` that opens the text; ``None`` if the bracket never closes.
        """
        if index == 0 or data[index - 1] != "[":
            return _scan_text(data, index)
        found, shift = self.lookup(data, index - 1)
        close = found.bracket_close(index - 1 + shift)
        return None if close is None else close - shift

    def next_matched_open(self, data: str, start: int) -> int:
        """The position of the first ``[`` at or after ``start`` that closes; ``len(data)`` if there is none."""
        if start >= len(data):
            return len(data)
        found, shift = self.lookup(data, start)
        at = found.next_matched_open(start + shift)
        return len(data) if at is None else at - shift

    def next_char(self, data: str, char: str, start: int) -> int | None:
        """The position of the first ``char`` at or after ``start``."""
        if start >= len(data):
            return None
        found, shift = self.lookup(data, start)
        at = found.next_position(char, start + shift)
        return None if at is None else at - shift

    def code_span(self, data: str, begin: int) -> tuple[int, int | None]:
        """What ``BacktickInlineProcessor.find_code_spans`` answers for the backticks at ``begin``.

        It counts the run of backticks there, then scans the rest of the paragraph for a run as long; failing
        that, the first of the longest shorter runs closes a span that starts as many backticks into the opener.
        """
        found, shift = self.lookup(data, begin)
        ticks = found.ticks()
        at = begin + shift
        run = bisect_right(ticks.starts, at) - 1
        opener = ticks.starts[run] + ticks.lengths[run] - at  # the backticks from ``begin`` on (it may be mid-run)
        start = at + opener
        same = ticks.by_length.get(opener, [])
        i = bisect_left(same, start)
        if i < len(same):
            return start - shift, same[i] - shift
        if run + 1 < len(ticks.starts):
            longest = ticks.longest_from[run + 1]
            length = ticks.lengths[longest]
            if length < opener:
                end = ticks.starts[longest] + length
                return start - (opener - length) - shift, end - length - shift
        return start + opener - shift, None

    def link_destination(self, data: str, paren: int, start: int) -> LinkDestination:
        """What ``LinkInlineProcessor.getLink``'s character loop finds for the ``(`` at ``paren``, from ``start``.

        ``start`` is where the loop begins (after the ``(`` and any white space). The loop counts nested
        parentheses until they balance. At the first quote it assumes a title has started: from then on it ends
        only at a ``)`` whose last character before it (spaces aside) is a quote that closes a title, and if no
        such ``)`` comes it falls back to the point where as many parentheses as were open have gone by (a ``)``
        there ends the link after it; a ``(`` there gives Python-Markdown's own odd answer, an end of -1).
        """
        found, shift = self.lookup(data, paren)
        text = found.text
        s = start + shift
        close = found.paren_close(paren + shift)
        quote = found.next_position("'\"", s)
        if quote is None or (close is not None and close < quote):
            if close is None:
                return LinkDestination("", None, len(data), False)
            return LinkDestination(text[s:close], None, close + 1 - shift, True)
        title = _title_end(found, quote)
        if title is not None:
            opened, ends_at, closes = title
            return LinkDestination(text[s:opened], text[opened + 1:ends_at], closes + 1 - shift, True)
        # No title closes: the loop runs to the end and keeps the point where the open parentheses ran out.
        depth = 1 + found.count("(", s, quote) - found.count(")", s, quote)
        parens = found.positions("()")
        i = bisect_right(parens, quote) + depth - 1
        if i >= len(parens):
            return LinkDestination("", None, len(data), False)
        last = parens[i] - shift + 1 if text[parens[i]] == ")" else -1
        return LinkDestination(data[start:last - 1], None, last, True)


def _title_end(found: TextIndex, first: int) -> tuple[int, int, int] | None:
    """Where ``getLink`` ends a title after the first quote at ``first``: the opening quote, closing quote and ``)``.

    ``getLink`` ends the link at a ``)`` whose last character before it (spaces aside) is either the first
    quote's character again, after it, or the other quote character, after that character's first
    appearance; the title then runs from the first quote (or that first appearance) to that character.
    """
    text = found.text
    own = text[first]
    other = QUOTES[own == "'"]
    quotes, ends = found.closers()
    i = bisect_right(quotes, first)
    if i >= len(quotes):
        return None
    other_first = found.next_position(other, first + 1)
    if text[quotes[i]] == other and other_first == quotes[i]:
        i += 1  # the other quote's first appearance opens its title and cannot close it
        if i >= len(quotes):
            return None
    at = quotes[i]
    if text[at] == own:
        return first, at, ends[i]
    assert other_first is not None
    return other_first, at, ends[i]


def _scan_text(data: str, index: int) -> int | None:
    """``getText``'s own scan, for a text that does not follow a ``[`` (no processor of the site asks for one)."""
    depth = 1
    for pos in range(index, len(data)):
        char = data[pos]
        if char == "]":
            depth -= 1
            if depth == 0:
                return pos
        elif char == "[":
            depth += 1
    return None
