"""Where each ``@type{...}`` of a ``.bib`` file starts and ends.

pybtex does not say on which line an entry starts, and stops at the first block it cannot read; this scan
finds every ``@type{key,`` itself, with its line, so that every problem can name one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADER = re.compile(r"@[ \t]*([A-Za-z][\w-]*)\s*([{(])\s*([^,\s{}()\"#=]*)")
_DELIMS = re.compile(r"[{}()]")
_NON_ENTRIES = frozenset({"comment", "preamble", "string"})


@dataclass(frozen=True)
class EntryPosition:
    type: str
    key: str
    line: int
    closed: bool


@dataclass(frozen=True)
class Block:
    """One ``@type{...}`` of the file (entries, ``@string``, ``@preamble``, ``@comment``) and where it is."""

    type: str
    key: str
    line: int
    start: int
    end: int  # the offset after its closing delimiter; the end of the text if it is never closed

    @property
    def closed(self) -> bool:
        return self.end > 0


def scan_blocks(text: str) -> list[Block]:
    """Every ``@type{...}`` in ``text``, in order, with the line it starts on; a block never closed is the last."""
    found: list[Block] = []
    pos = 0
    line = 1
    counted = 0
    while True:
        at = text.find("@", pos)
        if at < 0:
            return found
        match = _HEADER.match(text, at)
        if match is None:
            pos = at + 1
            continue
        line += text.count("\n", counted, at)
        counted = at
        kind = match.group(1).lower()
        closer = "}" if match.group(2) == "{" else ")"
        depth = 0
        end = -1
        for delim in _DELIMS.finditer(text, match.end(2)):
            ch = delim.group()
            if ch == "{":
                depth += 1
            elif ch == "}":
                if depth == 0 and closer == "}":
                    end = delim.end()
                    break
                depth = max(depth - 1, 0)
            elif ch == ")" and depth == 0 and closer == ")":
                end = delim.end()
                break
        found.append(Block(kind, match.group(3), line, at, end))
        if end < 0:
            return found
        pos = end


def entry_positions(blocks: list[Block]) -> list[EntryPosition]:
    """The entries among ``blocks`` (``@string``, ``@preamble`` and ``@comment`` left out)."""
    return [EntryPosition(b.type, b.key, b.line, b.closed) for b in blocks if b.type not in _NON_ENTRIES]


def scan_entries(text: str) -> list[EntryPosition]:
    """Every ``@type{key, ...}`` in ``text`` with the line it starts on (``@string`` etc. skipped)."""
    return entry_positions(scan_blocks(text))
