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
        self._pattern = re.compile(rf"(?:<p>)?({re.escape(PREFIX + self.key)}-\d+)(?:</p>)?")

    def __call__(self, html: str) -> str:
        """The Markdown that stands for the HTML block ``html``: a paragraph of its own."""
        token = f"{PREFIX}{self.key}-{len(self.blocks)}"
        self.blocks[token] = html.strip("\n")  # as Python-Markdown keeps a raw HTML block
        return f"\n\n{token}\n\n"

    def restore(self, html: str) -> str:
        """``html`` with each placeholder replaced by its block (each block used once)."""
        if PREFIX + self.key not in html:
            return html

        def swap(match: re.Match[str]) -> str:
            block = self.blocks.pop(match.group(1), None)
            return match.group(0) if block is None else block

        return self._pattern.sub(swap, html)


def identity(html: str) -> str:
    """The HTML block itself, for Markdown that is parsed as it is (``casebook export``, tests)."""
    return html
