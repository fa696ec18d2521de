"""The :class:`Bibliography` model: ``bibliography.bib`` read with pybtex, checked, and cached by content hash.

pybtex raises on the first bad entry unless told otherwise, and its process-wide strict switch would change
behaviour for every other caller; each parse here runs inside ``pybtex.errors.capture()`` and turns what was
captured into :class:`Problem` values with line numbers, placed by the scan of ``scan.py``.

Loading reports, with lines, what must not reach a page or a reader's TeX: an unreadable or oversized file or
invisible characters (E301), syntax (E302), missing (E303) and duplicate (E304) keys, keys outside the grammar of
``ids.py`` (E306), ``@preamble`` (E307) and TeX commands outside the allow-list of ``bibtex.py`` (E308); and, as
warnings, the forms of a source read online: a ``url`` that is no web address (W307), a ``urldate`` not written
``YYYY-MM-DD`` (W308).

Parsing and formatting are cached by the SHA-256 of the file's bytes: a ``mkdocs serve`` rebuild with an
unchanged bibliography does no pybtex work at all.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pybtex.errors
from pybtex.database import BibliographyData
from pybtex.database.input.bibtex import Parser
from pybtex.scanner import PybtexSyntaxError

from casebook.bibliography.bibtex import clean_url, published_bib, refused_commands
from casebook.bibliography.html import BibEntry, format_entries
from casebook.bibliography.scan import Block, entry_positions, scan_blocks
from casebook.core.frontmatter import CONTROL, decode_utf8
from casebook.core.ids import key_problem, suggest_key
from casebook.core.problems import Problem, error, warning
from casebook.core.schemamessages import date_fix

#: Bump when the formatted output changes, so cached results from an older style are not reused.
STYLE_VERSION = "1"
MAX_BIB_BYTES = 50_000_000


@dataclass
class Bibliography:
    """A parsed ``bibliography.bib``; :meth:`formatted` formats every entry once."""

    path: str
    digest: str
    data: BibliographyData | None
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    _formatted: dict[str, BibEntry] | None = None
    _sorted: list[BibEntry] | None = None
    _published: str | None = None

    @property
    def keys(self) -> list[str]:
        return [] if self.data is None else list(self.data.entries.keys())

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)

    def formatted(self) -> dict[str, BibEntry]:
        """Every entry formatted, keyed by its key (computed on first use, then kept)."""
        if self._formatted is None:
            self._formatted, problems = format_entries(self)
            self.problems = self.problems + problems
        return self._formatted

    @property
    def is_formatted(self) -> bool:
        return self._formatted is not None

    def use_formatted(self, formatted: dict[str, BibEntry], problems: list[Problem]) -> None:
        """Take what :func:`format_entries` returned for this bibliography (computed elsewhere)."""
        if self._formatted is None:
            self._formatted = formatted
            self.problems = self.problems + problems

    def sorted_entries(self) -> list[BibEntry]:
        if self._sorted is None:
            self._sorted = sorted(self.formatted().values(), key=lambda e: e.sort_key)
        return self._sorted

    def labels(self) -> dict[str, str]:
        return {key: entry.label for key, entry in self.formatted().items()}

    def published(self) -> str | None:
        """The ``bibliography.bib`` readers download: every entry with a valid key, written again from what pybtex
        read (``bibtex.py``); ``None`` if the file could not be read."""
        if self.data is None:
            return None
        if self._published is None:
            entries = self.data.entries.items()
            self._published = published_bib((key, entry) for key, entry in entries if key_problem(key) is None)
        return self._published


_CACHE: dict[tuple[str, str, str], Bibliography] = {}
_CACHE_SIZE = 4


def load_bibliography(path: Path, display: str) -> Bibliography:
    """Read and check ``path``; the result is cached by content hash (problems collected, never raised)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        problem = error(display, 1, "E301", f"cannot read file: {exc.strerror}")
        return Bibliography(display, "", None, problems=[problem])
    return parse_bibliography(data, display)


def parse_bibliography(data: bytes, display: str) -> Bibliography:
    digest = hashlib.sha256(data).hexdigest()
    cache_key = (digest, display, STYLE_VERSION)
    cached = _CACHE.get(cache_key)
    if cached is not None:
        return cached
    bib = _parse(data, display, digest)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[cache_key] = bib
    return bib


def _parse(data: bytes, display: str, digest: str) -> Bibliography:
    if len(data) > MAX_BIB_BYTES:
        return Bibliography(display, digest, None, problems=[
            error(display, 1, "E301", f"file is {len(data):,} bytes; the limit is {MAX_BIB_BYTES:,}")])
    data = data.removeprefix(b"\xef\xbb\xbf")
    text, problem = decode_utf8(
        data, display, "E301",
        " (in JabRef: File > Library properties > Encoding; in Zotero export with 'Unicode (UTF-8)')",
    )
    if text is None:
        return Bibliography(display, digest, None, problems=[problem] if problem else [])
    control = CONTROL.search(text)
    if control is not None:
        # Terminal escapes, NUL, bidi overrides...: refused as in case files (they would reach every page).
        char = control.group()
        line = text.count("\n", 0, control.start()) + 1
        name = unicodedata.name(char, "control character")
        return Bibliography(display, digest, None, problems=[error(
            display, line, "E301", f"invisible character U+{ord(char):04X} ({name}) is not allowed; delete it")])
    problems: list[Problem] = []
    blocks = scan_blocks(text)
    lines: dict[str, int] = {}
    first_seen: dict[str, tuple[str, int]] = {}
    for pos in entry_positions(blocks):
        if not pos.key:
            problems.append(error(display, pos.line, "E303", f"@{pos.type} entry has no key; add one after '{{'"))
            continue
        if not pos.closed:
            problems.append(error(
                display, pos.line, "E302",
                f"entry '{pos.key}' is never closed: a '{{' in it has no matching '}}'",
            ))
        earlier = first_seen.get(pos.key.casefold())
        if earlier is not None:
            key, line = earlier
            how = "" if key == pos.key else f" (differs only in case from '{key}'; BibTeX keys ignore case)"
            problems.append(error(
                display, pos.line, "E304", f"duplicate key '{pos.key}', first defined on line {line}{how}"))
            continue
        first_seen[pos.key.casefold()] = (pos.key, pos.line)
        lines[pos.key] = pos.line
    with pybtex.errors.capture() as captured:
        try:
            parsed = Parser(encoding="UTF-8").parse_string(text)
        except Exception as exc:  # pybtex raises outside capture() for some inputs
            parsed = None
            problems.append(error(display, getattr(exc, "lineno", 1) or 1, "E302",
                                  f"BibTeX could not be read: {exc}"))
    # The keys, longest first, for placing a problem pybtex gives no line: sorted once, not once per problem.
    by_length = sorted(lines, key=len, reverse=True) if captured else []
    for captured_error in captured:
        problem = _captured_problem(captured_error, display, lines, by_length)
        if problem is not None:
            problems.append(problem)
    problems += tex_problems(text, blocks, display)
    if parsed is not None:
        problems += online_source_problems(parsed, text, blocks, display)
    bib = Bibliography(display, digest, parsed, problems=problems)
    if parsed is not None:
        # The keys pybtex kept (the first of duplicates), with the lines the scan found.
        bib.lines = {key: lines[key] if key in lines else _find_line(text, key) for key in parsed.entries.keys()}
        for key, line in bib.lines.items():
            reason = key_problem(key)
            if reason is not None:
                problems.append(error(display, line, "E306",
                                      f"{reason}; rename it, e.g. '{suggest_key(key)}', where it is defined and cited"))
    return bib


def tex_problems(text: str, blocks: list[Block], display: str) -> list[Problem]:
    """``@preamble`` (E307), and TeX commands outside the allow-list of ``bibtex.py`` in entries and ``@string``
    definitions (E308): a ``.bib`` file is TeX input, and readers compile what it holds."""
    problems: list[Problem] = []
    line, counted = 1, 0
    for block in blocks:
        if block.type == "comment":
            continue
        if block.type == "preamble":
            problems.append(error(
                display, block.line, "E307",
                "@preamble is not allowed: it is copied as TeX into the document of everyone who cites an entry "
                "of the file; delete it",
            ))
            continue
        for command in refused_commands(text, block.start, block.end if block.closed else len(text)):
            line += text.count("\n", counted, command.offset)
            counted = command.offset
            if command.text == "^^":
                why = "TeX reads '^^' and two hex digits as any character, a backslash too"
            else:
                why = ("a .bib file is TeX input that readers compile, so only accents, \\url, \\emph, \\textit, "
                       "\\textbf, text symbols and escaped special characters may be used")
            message = f"'{command.text}' is not allowed: {why}; write the text itself (UTF-8 is fine)"
            problems.append(error(display, line, "E308", message))
    return problems


#: A field's name where a field starts: after the entry's key, a comma or a line break.
_FIELD_START = r"(?:^|,)[ \t]*{name}[ \t]*="
#: A web address written without its scheme: a host name, then perhaps a port, a path, a query.
_HOST = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?:[:/?#]\S*)?")
#: The form CONTRIBUTING's "Adding a source" asks ``urldate`` to be written in.
_URLDATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def online_source_problems(parsed: BibliographyData, text: str, blocks: list[Block], display: str) -> list[Problem]:
    """A ``url`` that is not a web address (W307) and a ``urldate`` not written ``YYYY-MM-DD`` (W308), each at the
    line of its field: "Adding a source" asks for both, and the bibliography page shows them as "Available at
    ... Accessed ..."."""
    where: dict[str, Block] = {}
    for block in blocks:
        where.setdefault(block.key, block)
    problems: list[Problem] = []
    for key, entry in parsed.entries.items():
        for name in ("url", "urldate"):
            raw = entry.fields.get(name)
            if raw is None:
                continue
            value = clean_url(raw) if name == "url" else raw.strip("{} \t\n")
            message = _url_problem(key, value) if name == "url" else _urldate_problem(key, value)
            if message is not None:
                line = _field_line(text, where.get(key), name)
                problems.append(warning(display, line, "W307" if name == "url" else "W308", message))
    return problems


def _url_problem(key: str, url: str) -> str | None:
    if url.lower().startswith(("https://", "http://")):
        return None
    fix = f" (write {{https://{url}}} if that is the address you read it at)" if _HOST.fullmatch(url) else ""
    return f"entry '{key}': url '{url}' does not start with 'https://' or 'http://'{fix}"


def _urldate_problem(key: str, date: str) -> str | None:
    fix = date_fix(date).replace('"', "")
    if _URLDATE.fullmatch(date):
        try:
            datetime.date.fromisoformat(date)
            return None
        except ValueError:
            return f"entry '{key}': urldate '{date}' is no real day; write the day you read the source ({fix})"
    return f"entry '{key}': urldate '{date}' is not a date written YYYY-MM-DD, the day you read the source ({fix})"


def _field_line(text: str, block: Block | None, name: str) -> int:
    """The line where field ``name`` of the entry ``block`` starts (the entry's first line if it is not found)."""
    if block is None:
        return 1
    end = block.end if block.closed else len(text)
    found = re.compile(_FIELD_START.format(name=name), re.I | re.M).search(text, block.start, end)
    return block.line + text.count("\n", block.start, found.start() + (1 if found.group().startswith(",") else 0)) \
        if found else block.line


def _find_line(text: str, key: str) -> int:
    at = text.find(key)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def _captured_problem(
    exc: Exception, display: str, lines: Mapping[str, int], by_length: list[str]
) -> Problem | None:
    message = str(exc)
    if message.startswith("repeated bibliography entry"):
        return None  # reported with both lines by the scan
    line = getattr(exc, "lineno", None)
    if line is None:
        line = next((lines[k] for k in by_length if k and k in message), 1)
    name = type(exc).__name__
    if name == "UndefinedMacro":
        macro = message.rsplit(":", 1)[-1].strip()
        return warning(display, line, "W302",
                       f"undefined @string macro '{macro}'; define it with @string or put the value in braces")
    if name == "DuplicateField":
        return warning(display, line, "W303", message + "; the first one is used")
    if isinstance(exc, PybtexSyntaxError):
        return error(display, line, "E302", f"BibTeX syntax error: {_syntax_message(message)}")
    return warning(display, line, "W304", message)


def _syntax_message(message: str) -> str:
    return re.sub(r"^syntax error in line \d+: ", "", message)
