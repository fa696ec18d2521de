"""Generated HTML blocks kept out of the Markdown parser.

Python-Markdown's raw-HTML block parser is slow on the long HTML blocks the site generates (a case's
header card, its references, "cite this case", related cases, listings). The plugin puts a placeholder
paragraph in the Markdown instead of each such block and swaps the block back into the page's HTML
(``restore``) before the contributor-content sanitizer runs, so every page's HTML still goes through
exactly the same sanitizing as before.

A placeholder is ``CASEBOOK-BLOCK-<key>-<n>``: ``n`` counts the blocks of one build, ``key`` is a hash of
every case and brief file's text, so no contributor can write a placeholder into their own file (it
would have to contain the hash of itself). Each placeholder is swapped once; what is left over is
reported. The placeholders never reach the built site, so two builds stay byte-identical.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import re
from collections.abc import Iterable

PREFIX = "CASEBOOK-BLOCK-"


class BlockStash:
    """The HTML blocks of one build, by placeholder."""

    def __init__(self, contributed: Iterable[str] = ()) -> None:
        digest = hashlib.sha256()
        for text in contributed:
            digest.update(text.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        self.key = digest.hexdigest()[:24]
        self.blocks: dict[str, str] = {}
        self._token = re.compile(rf"{re.escape(PREFIX + self.key)}-\d+")

    def __call__(self, html: str) -> str:
        """The Markdown that stands for the HTML block ``html``: a paragraph of its own."""
        token = f"{PREFIX}{self.key}-{len(self.blocks)}"
        self.blocks[token] = html.strip("\n")  # as Python-Markdown keeps a raw HTML block
        return f"\n\n{token}\n\n"

    def restore(self, html: str) -> str:
        """``html`` with each placeholder replaced by its block (each block used once)."""
        marker = PREFIX + self.key
        if marker not in html:
            return html
        # A literal search for each placeholder, then a match at that spot: a pattern that opens with an
        # optional "<p>" cannot skip ahead to candidates and would be tried at every character of the page.
        out = []
        pos = 0
        while (found := html.find(marker, pos)) != -1:
            match = self._token.match(html, found)
            if match is None:  # the marker without a block number: text, kept
                out.append(html[pos:found + len(marker)])
                pos = found + len(marker)
                continue
            start = found - 3 if found - 3 >= pos and html.startswith("<p>", found - 3) else found
            end = match.end() + 4 if html.startswith("</p>", match.end()) else match.end()
            block = self.blocks.pop(match.group(), None)
            out.append(html[pos:end] if block is None else html[pos:start] + block)
            pos = end
        out.append(html[pos:])
        return "".join(out)


#: An ``id`` attribute, or an ``<a name>``: what MkDocs counts as a page's anchors in raw HTML. Generated
#: blocks quote every attribute value with double quotes (``html.escape``).
_ANCHOR = re.compile(r'<[a-zA-Z][^>]*?\sid="([^"]*)"|<a\s[^>]*?\bname="([^"]*)"')


def anchor_ids(html: str) -> set[str]:
    """The anchors of a generated block, as MkDocs would find them had the block gone through Markdown."""
    return {htmllib.unescape(a or b) for a, b in _ANCHOR.findall(html)}


def identity(html: str) -> str:
    """The HTML block itself, for Markdown that is parsed as it is (``casebook export``, tests)."""
    return html
