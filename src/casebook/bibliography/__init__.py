"""The bibliography: ``bibliography.bib`` read with pybtex, checked, and formatted once per content hash.

pybtex raises on the first bad entry unless told otherwise, and its process-wide strict switch would
change behaviour for every other caller; each parse here runs inside ``pybtex.errors.capture()`` and
turns what was captured into :class:`Problem` values with line numbers. pybtex does not say where an
entry starts, so :func:`scan_entries` finds every ``@type{key,`` itself.

Formatting uses :class:`HouseStyle`, a subclass of pybtex's ``unsrt`` style laid out author–year, that
never changes the case of a title (so "Secretaría de Desarrollo Social" keeps its capitals), falls back
to "n.d." for a missing year and to editors or organisations for a missing author. pybtex's HTML
backend writes ``href`` values unescaped and unchecked, so :class:`SafeLinks` builds links itself:
only ``http``/``https`` (and DOIs, as ``https://doi.org/``), attribute-escaped; anything else stays text.
TeX the codec does not know is removed from each field's text before formatting (:func:`strip_leftovers`),
and each formatted entry passes :func:`safe_entry_html`: the house style's own markup, balanced, with links
only to the entry's own ``url``, ``doi`` or ``eprint``, or it is sanitized.

Checking reports, with lines, what must not reach a page or a reader's TeX: keys outside the grammar of
``ids.py`` (E306), ``@preamble`` (E307) and TeX commands outside the allow-list of ``bibtex.py`` (E308).

Parsing and formatting are cached by the SHA-256 of the file's bytes: a ``mkdocs serve`` rebuild with
an unchanged bibliography does no pybtex work at all.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pybtex.errors
from pybtex.backends.plaintext import Backend as TextBackend
from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.input.bibtex import Parser
from pybtex.markup import LaTeXParser
from pybtex.richtext import Text
from pybtex.scanner import PybtexSyntaxError
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.formatting.unsrt import dashify
from pybtex.style.template import FieldIsMissing, first_of, href, join, names, node, optional, sentence, tag, words

from casebook.bibliography.bibtex import clean_url, published_bib, refused_commands
from casebook.core.blockstash import identity
from casebook.core.frontmatter import CONTROL, decode_utf8
from casebook.core.ids import key_problem, suggest_key
from casebook.core.problems import Problem, error, warning
from casebook.core.taxonomy import suggest

#: Bump when the formatted output changes, so cached results from an older style are not reused.
STYLE_VERSION = "1"
MAX_BIB_BYTES = 50_000_000
NO_DATE = "n.d."

# --- Finding entries and their lines -------------------------------------------------------------

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


def scan_entries(text: str) -> list[EntryPosition]:
    """Every ``@type{key, ...}`` in ``text`` with the line it starts on (``@string`` etc. skipped)."""
    return [EntryPosition(b.type, b.key, b.line, b.closed) for b in scan_blocks(text) if b.type not in _NON_ENTRIES]


# --- Safe links ------------------------------------------------------------------------------------

def safe_href(url: str) -> str | None:
    """``url`` as an ``href`` value if it is an absolute http(s) or doi: link, else ``None``.

    The result is percent-encoded where a browser would need it; callers still attribute-escape it.
    """
    text = url.strip()
    if not text or any(ord(ch) < 0x21 or ch == "\x7f" for ch in text.replace(" ", "")):
        return None
    if text.lower().startswith("doi:"):
        return doi_href(text[4:])
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(text, safe=":/?#[]@!$&'()*+,;=%~")


def doi_href(doi: str) -> str | None:
    value = doi.strip()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"):
        if value.lower().startswith(prefix):
            value = value[len(prefix):]
    value = value.strip()
    if not value.startswith("10.") or any(ord(ch) < 0x21 for ch in value):
        return None
    return "https://doi.org/" + quote(value, safe="/:;()._-")


class SafeLinks:
    """What :func:`html_backend` adds to pybtex's HTML backend: links it checks and escapes, and no
    ``bibtex-protected`` spans."""

    def format_protected(self, text: str) -> str:
        return text

    def format_href(self, url: str, text: str, external: bool = False) -> str:
        target = link_target(url)
        if not text:
            return ""
        if target is None:
            return text
        return f'<a href="{html.escape(target, quote=True)}" rel="nofollow noopener">{text}</a>'


def link_target(url: str) -> str | None:
    """The ``href`` of a link the house style makes to ``url`` (not yet attribute-escaped), or ``None``."""
    target = safe_href(url)
    if target is not None and target.startswith("https://doi.org/"):
        target = doi_href(target)  # the doi field joined to the resolver: check it is a DOI
    return target


def entry_links(fields: Mapping[str, str]) -> frozenset[str]:
    """The only ``href`` values an entry's HTML may hold: its own ``url``, ``doi`` and arXiv ``eprint``, made
    into links as :meth:`HouseStyle.web_refs` makes them."""
    made = (
        link_target(fields["url"]) if "url" in fields else None,
        link_target("https://doi.org/" + fields["doi"]) if "doi" in fields else None,
        link_target("https://arxiv.org/abs/" + fields["eprint"]) if "eprint" in fields else None,
    )
    return frozenset(target for target in made if target is not None)


#: What an entry's HTML may hold: the house style's tags, and links with exactly these attributes.
ENTRY_TAGS = frozenset({"a", "em", "strong", "i", "b", "sup", "sub"})
LINK_REL = "nofollow noopener"


class _EntryHtmlCheck(HTMLParser):
    """Tokenizes an entry's HTML and notes anything the house style never writes: another tag or attribute, a
    link to anything but ``links`` or inside another link, an end tag out of order, an element left open, a
    ``<`` or ``>`` that is not part of a tag, a comment or a declaration."""

    def __init__(self, links: frozenset[str]) -> None:
        super().__init__(convert_charrefs=False)
        self.links = links
        self.open: list[str] = []
        self.ok = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ENTRY_TAGS:
            self.ok = False
        elif tag == "a":
            found = dict(attrs)
            exact = len(found) == len(attrs) == 2 and found.get("rel") == LINK_REL and "a" not in self.open
            self.ok &= exact and found.get("href") in self.links
        elif attrs:
            self.ok = False
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ok = False

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.ok = False

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            self.ok = False

    def handle_comment(self, data: str) -> None:
        self.ok = False

    def handle_decl(self, decl: str) -> None:
        self.ok = False

    def handle_pi(self, data: str) -> None:
        self.ok = False

    def unknown_decl(self, data: str) -> None:
        self.ok = False


def safe_entry_html(fragment: str, links: frozenset[str]) -> str:
    """``fragment`` if it is the house style's own HTML (:class:`_EntryHtmlCheck`), else ``fragment`` sanitized:
    balanced, only :data:`ENTRY_TAGS`, links only to ``links``.

    The house style's output passes unchanged; a sanitizer writes even a clean fragment differently
    (``&ndash;`` as a character), so it only sees what failed the check.
    """
    check = _EntryHtmlCheck(links)
    check.feed(fragment)
    check.close()
    if check.ok and not check.open:
        return fragment
    import nh3

    def allow(tag: str, attribute: str, value: str) -> str | None:
        if tag == "a" and (attribute == "href" and value in links or attribute == "rel" and value == LINK_REL):
            return value
        return None

    cleaned = nh3.clean(
        fragment, tags=set(ENTRY_TAGS), attributes={"a": {"href"}}, attribute_filter=allow, link_rel=LINK_REL,
        url_schemes={"http", "https"}, strip_comments=True,
    )
    return str(cleaned).replace("&nbsp;", "\xa0")


@functools.cache
def html_backend() -> Any:
    """pybtex's HTML backend with :class:`SafeLinks`, made on first use.

    pybtex's HTML backend imports ``urllib.request`` (through ``xml.sax.saxutils``), which reading and checking
    the bibliography never needs: ``casebook validate`` does not pay for it.
    """
    from pybtex.backends.html import Backend as HtmlBackend

    class SafeHtmlBackend(SafeLinks, HtmlBackend):  # type: ignore[misc]
        pass

    return SafeHtmlBackend()


# --- Field clean-up before formatting ------------------------------------------------------------

# Commands whose argument is the text to show: \emph{x}, \url{x}...
_TEXT_COMMANDS = re.compile(
    r"\\(?:emph|textit|textbf|textsc|textsl|texttt|textup|textmd|textrm|textsf|textnormal|mkbibquote|"
    r"mkbibemph|enquote|mbox|hbox|url|nolinkurl|path|uppercase|MakeUppercase|lowercase|MakeLowercase|"
    r"textsuperscript|textsubscript|doi)\s*(?=\{)"
)
_HREF = re.compile(r"\\href\s*\{[^{}]*\}\s*(?=\{)")
_LEFTOVER_COMMAND = re.compile(r"\\([A-Za-z]+)\*?(?:\s*\[[^\]]*\])?\s?")
#: The same within one field's text: an option never spans a brace.
_LEFTOVER_IN_TEXT = re.compile(r"\\([A-Za-z]+)\*?(?:\s*\[[^\]{}]*\])?\s?")
_YEAR = re.compile(r"(\d{4})")

#: biblatex field names, mapped to what BibTeX styles read.
FIELD_ALIASES = {"journaltitle": "journal", "location": "address", "institution": "institution"}
#: biblatex and exporter entry types, mapped to the BibTeX type that formats them.
TYPE_ALIASES = {
    "online": "misc", "electronic": "misc", "www": "misc", "webpage": "misc", "software": "misc",
    "dataset": "misc", "report": "techreport", "thesis": "phdthesis", "collection": "book",
    "mvbook": "book", "mvcollection": "book", "periodical": "book", "reference": "book",
    "mvreference": "book", "bookinbook": "inbook", "suppbook": "inbook", "incollection": "incollection",
    "suppcollection": "incollection", "inreference": "incollection", "mvproceedings": "proceedings",
    "conference": "inproceedings", "suppperiodical": "article", "standard": "misc", "patent": "misc",
    "set": "misc", "artwork": "misc", "audio": "misc", "video": "misc", "movie": "misc", "music": "misc",
    "image": "misc", "letter": "misc", "review": "article", "legislation": "misc", "legal": "misc",
    "jurisdiction": "misc", "commentary": "misc", "performance": "misc",
}
KNOWN_TYPES = frozenset(
    {"article", "book", "booklet", "inbook", "incollection", "inproceedings", "manual", "mastersthesis",
     "misc", "phdthesis", "proceedings", "techreport", "unpublished"}
)


def _strip_doi(value: str) -> str:
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"):
        if value.lower().startswith(prefix):
            return value[len(prefix):].strip()
    return value


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _clean_text_field(value: str) -> str:
    value = _HREF.sub("", value)
    return _TEXT_COMMANDS.sub("", value)


def normalise_entry(entry: Entry) -> Entry:
    """A copy of ``entry`` with biblatex names mapped, TeX commands unwrapped, and a year or "n.d."."""
    fields: dict[str, str] = {}
    for name, value in entry.fields.items():
        lower = name.lower()
        fields.setdefault(FIELD_ALIASES.get(lower, lower), value)
    for name in ("url", "doi", "eprint"):
        if name in fields:
            fields[name] = clean_url(fields[name])
    if "doi" in fields:
        fields["doi"] = _strip_doi(fields["doi"])
    if fields.get("edition", "").strip().isdigit():
        fields["edition"] = _ordinal(int(fields["edition"]))
    for name, value in list(fields.items()):
        if name not in ("url", "doi", "eprint"):
            fields[name] = _clean_text_field(value)
    if not fields.get("year", "").strip():
        match = _YEAR.search(fields.get("date", ""))
        fields["year"] = match.group(1) if match else NO_DATE
    kind = entry.type.lower()
    if kind == "thesis" and fields.get("type", "").lower() in ("mathesis", "master's thesis", "masters"):
        kind = "mastersthesis"
    kind = TYPE_ALIASES.get(kind, kind)
    if kind not in KNOWN_TYPES:
        kind = "misc"
    if kind == "phdthesis" and "school" not in fields and "institution" in fields:
        fields["school"] = fields["institution"]
    if fields.get("type", "").lower() in ("phdthesis", "mathesis"):
        del fields["type"]
    persons = {role: [FastPerson.copy_of(p) for p in people] for role, people in entry.persons.items()}
    copy = FastEntry(kind, fields=fields, persons=persons)
    copy.key = entry.key
    return copy


# --- Fast rich text ------------------------------------------------------------------------------

# pybtex decodes every field with latexcodec, whose tokenizer dominates formatting time. A value with
# none of these characters decodes to itself, so it skips the codec (the output is identical).
_NEEDS_CODEC = re.compile(r"[\\~%$`]|--|''")


@functools.lru_cache(maxsize=65536)
def rich_text(value: str) -> Text:
    """``Text.from_latex(value)``, without the codec when it would change nothing.

    Cached: names, journals and publishers repeat, and pybtex's rich text is never modified in place.
    """
    if _NEEDS_CODEC.search(value) is None:
        return LaTeXParser(value).parse()
    return LaTeXParser(strip_leftovers(decode_latex(value))).parse()


def strip_leftovers(text: str) -> str:
    """``text`` (decoded TeX) without the commands the codec did not know (``\\foo[opt]``); their arguments stay.

    Done to each field's text before formatting, never to the formatted HTML, where an option's ``[...]`` could
    reach across tags (``\\x[`` in one field and ``]`` in the next would remove a link's ``</a>``).
    """
    return _LEFTOVER_IN_TEXT.sub("", text) if "\\" in text else text


_TOKEN = re.compile(
    r"\\[A-Za-z]+\s*(?:\{[^{}\\]*\}|[A-Za-z]+)?"  # \ss, \c c, \v{s}, \o ne (TeX eats the space)
    r"|\\[^A-Za-z\s]\s*(?:\{\\[ij]\}|\{[^{}\\]*\}|\\[ij](?![A-Za-z])\s*|[A-Za-z])?"  # \'e, \'{e}, \"{\i}
    r"|---?|``|''|~"
)


def _ulatex(text: str) -> str:
    import latexcodec  # noqa: F401  (registers the "ulatex" codec; imported when first needed, not to validate)

    return str(codecs.decode(text, "ulatex"))  # type: ignore[call-overload]


@functools.lru_cache(maxsize=4096)
def _decode_token(token: str) -> str:
    return _ulatex(token)


_SINGLE_QUOTED = re.compile(r"`([^`']*)'")


@functools.lru_cache(maxsize=65536)
def decode_latex(value: str) -> str:
    """What latexcodec makes of ``value``, decoding each TeX token once per process (tokens repeat).

    Falls back to decoding the whole value when it holds anything the token split may not handle.
    TeX's single quotes (`like this') become typographic ones, which latexcodec leaves alone.
    """
    if "%" in value or "$" in value or "{}" in value:
        out = _ulatex(value)
    else:
        out = _TOKEN.sub(lambda m: _decode_token(m.group()), value)
        if "\\" in out:
            out = _ulatex(value)
    return _SINGLE_QUOTED.sub("\u2018\\1\u2019", out) if "`" in out else out


class _RichFields(Mapping[str, Text]):
    def __init__(self, fields: Mapping[str, str]) -> None:
        self._fields = fields

    def __getitem__(self, key: str) -> Text:
        return rich_text(self._fields[key])

    def __iter__(self) -> Any:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)


class FastEntry(Entry):  # type: ignore[misc]
    @property
    def rich_fields(self) -> Mapping[str, Text]:
        return _RichFields(self.fields)


class FastPerson(Person):  # type: ignore[misc]
    @classmethod
    def copy_of(cls, person: Person) -> FastPerson:
        fast = cls.__new__(cls)
        fast.__dict__.update(person.__dict__)
        return fast

    @property
    def rich_first_names(self) -> list[Text]:
        return [rich_text(name) for name in self.first_names]

    @property
    def rich_middle_names(self) -> list[Text]:
        return [rich_text(name) for name in self.middle_names]

    @property
    def rich_prelast_names(self) -> list[Text]:
        return [rich_text(name) for name in self.prelast_names]

    @property
    def rich_last_names(self) -> list[Text]:
        return [rich_text(name) for name in self.last_names]

    @property
    def rich_lineage_names(self) -> list[Text]:
        return [rich_text(name) for name in self.lineage_names]


# --- The house style -----------------------------------------------------------------------------


@node  # type: ignore[untyped-decorator]
def tfield(children: Any, context: Any, name: str, apply_func: Any = None, raw: bool = False) -> Any:
    """pybtex's ``field`` with :func:`rich_text` instead of ``Text.from_latex``."""
    entry = context["entry"]
    try:
        value = entry._find_field(name, bib_data=context.get("bib_data"))
    except KeyError:
        raise FieldIsMissing(name, entry) from None
    result = value if raw else rich_text(value)
    return apply_func(result) if apply_func else result


def optional_field(name: str, **kwargs: Any) -> Any:
    return optional[tfield(name, **kwargs)]


year = tfield("year")
pages = tfield("pages", apply_func=dashify)


class HouseStyle(UnsrtStyle):  # type: ignore[misc]
    """Author–year: "Last, First. Year. Title. Container." Titles keep the case they were written in."""

    default_name_style = "lastfirst"
    default_sorting_style = "author_year_title"

    def format_names(self, role: str, as_sentence: bool = True) -> Any:
        formatted = names(role, sep=", ", sep2=" and ", last_sep=", and ")
        return sentence[formatted] if as_sentence else formatted

    def format_title(self, e: Entry, which_field: str, as_sentence: bool = True) -> Any:
        # unsrt sentence-cases titles ("São Paulo" -> "São paulo"); a house style keeps the author's case.
        title = tfield(which_field)
        return sentence[title] if as_sentence else title

    def lead(self, e: Entry) -> Any:
        """Who the work is by: authors, else editors, else the organisation, else nothing."""
        if e.persons.get("author"):
            return self.format_names("author")
        if e.persons.get("editor"):
            word = "eds." if len(e.persons["editor"]) > 1 else "ed."
            return sentence[join(sep=", ")[self.format_names("editor", as_sentence=False), word]]
        for name in ("organization", "institution", "publisher", "school", "howpublished"):
            if e.fields.get(name):
                return sentence[tfield(name)]
        return None

    def head(self, e: Entry, title: Any) -> list[Any]:
        lead = self.lead(e)
        if lead is None:  # no one to put first: the title leads, then the year
            return [title, sentence[year]]
        return [lead, sentence[year], title]

    def web_refs(self) -> Any:
        return sentence[
            optional[words["Available at", href(tfield("url", raw=True))[tfield("url", raw=True)]]],
            optional[join["Accessed ", tfield("urldate")]],
            optional[href(join["https://doi.org/", tfield("doi", raw=True)])[join["doi:", tfield("doi", raw=True)]]],
            optional[href(join["https://arxiv.org/abs/", tfield("eprint", raw=True)])[
                join["arXiv:", tfield("eprint", raw=True)]]],
        ]

    def format_btitle(self, e: Entry, which_field: str, as_sentence: bool = True) -> Any:
        title = tag("em")[tfield(which_field)]
        return sentence[title] if as_sentence else title

    def format_volume_and_series(self, e: Entry, as_sentence: bool = True) -> Any:
        result = first_of[
            optional[words["Vol.", tfield("volume"), optional[words["of", tfield("series")]]]],
            optional[words[tfield("series"), optional[tfield("number")]]],
        ]
        return sentence[result] if as_sentence else result

    def place_publisher(self) -> Any:
        return sentence[join(sep=": ")[optional_field("address"), optional_field("publisher")]]

    def in_collection(self, e: Entry) -> Any:
        editors = optional[join(sep=" ")["edited by", self.format_names("editor", as_sentence=False)]]
        return sentence[
            words["In", tag("em")[tfield("booktitle")]],
            editors,
            optional[join(sep=" ")["vol.", tfield("volume")]],
            optional[join(sep=" ")["ch.", tfield("chapter")]],
            optional[join(sep=" ")["pp.", pages]],
        ]

    def get_article_template(self, e: Entry) -> Any:
        volume = optional[join[tfield("volume"), optional["(", tfield("number"), ")"]]]
        container = sentence[
            join(sep=" ")[tag("em")[tfield("journal")], volume] if "journal" in e.fields else volume,
            optional[pages],
        ]
        return join(sep=" ")[*self.head(e, self.format_title(e, "title")), container, self.web_refs()]

    def get_book_template(self, e: Entry) -> Any:
        return join(sep=" ")[
            *self.head(e, self.format_btitle(e, "title")),
            optional[sentence[words[tfield("edition"), "edition"]]],
            self.format_volume_and_series(e),
            self.place_publisher(),
            optional[sentence["ISBN ", tfield("isbn")]],
            self.web_refs(),
        ]

    def get_inbook_template(self, e: Entry) -> Any:
        if "booktitle" in e.fields:
            return self.get_incollection_template(e)
        return join(sep=" ")[
            *self.head(e, self.format_btitle(e, "title")),
            optional[sentence[join(sep=" ")["ch.", tfield("chapter")], optional[join(sep=" ")["pp.", pages]]]],
            self.place_publisher(),
            self.web_refs(),
        ]

    def get_incollection_template(self, e: Entry) -> Any:
        return join(sep=" ")[
            *self.head(e, self.format_title(e, "title")),
            self.in_collection(e),
            self.place_publisher(),
            self.web_refs(),
        ]

    def get_inproceedings_template(self, e: Entry) -> Any:
        return join(sep=" ")[
            *self.head(e, self.format_title(e, "title")),
            self.in_collection(e),
            sentence[join(sep=": ")[optional_field("address"),
                                    first_of[optional_field("publisher"), optional_field("organization")]]],
            self.web_refs(),
        ]

    def get_proceedings_template(self, e: Entry) -> Any:
        return self.get_book_template(e)

    def thesis(self, e: Entry, default: str) -> Any:
        return join(sep=" ")[
            *self.head(e, self.format_btitle(e, "title")),
            sentence[first_of[optional_field("type"), default], optional_field("school"),
                     optional_field("address")],
            self.web_refs(),
        ]

    def get_phdthesis_template(self, e: Entry) -> Any:
        return self.thesis(e, "PhD thesis")

    def get_mastersthesis_template(self, e: Entry) -> Any:
        return self.thesis(e, "Master's thesis")

    def get_techreport_template(self, e: Entry) -> Any:
        return join(sep=" ")[
            *self.head(e, self.format_title(e, "title")),
            sentence[
                optional[words[first_of[optional_field("type"), "Report"], optional_field("number")]],
                optional_field("institution"),
                optional_field("address"),
            ],
            self.web_refs(),
        ]

    def get_misc_template(self, e: Entry) -> Any:
        lead = self.lead(e)
        howpublished = optional_field("howpublished")
        if lead is not None and not e.persons.get("author") and not e.persons.get("editor") \
                and e.fields.get("howpublished") and not any(
                    e.fields.get(n) for n in ("organization", "institution", "publisher", "school")):
            howpublished = ""  # already leads the entry
        return join(sep=" ")[
            *self.head(e, self.format_title(e, "title")),
            sentence[howpublished, optional_field("organization"), optional_field("publisher"),
                     optional_field("address")],
            self.web_refs(),
        ]

    def get_booklet_template(self, e: Entry) -> Any:
        return self.get_misc_template(e)

    def get_manual_template(self, e: Entry) -> Any:
        return self.get_misc_template(e)

    def get_unpublished_template(self, e: Entry) -> Any:
        return self.get_misc_template(e)


# --- The bibliography ----------------------------------------------------------------------------


@dataclass
class BibEntry:
    """One formatted entry."""

    key: str
    line: int
    label: str  # author–year for inline citations: "Benavides Rincón 2012"
    html: str  # the full reference, HTML
    note: str  # the entry's note, HTML (shown on the bibliography page only)
    sort_key: tuple[str, str, str, str]


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

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self.lines

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
    positions = [EntryPosition(b.type, b.key, b.line, b.closed) for b in blocks if b.type not in _NON_ENTRIES]
    lines: dict[str, int] = {}
    first_seen: dict[str, tuple[str, int]] = {}
    for pos in positions:
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


# --- Formatting ----------------------------------------------------------------------------------


_TEXT_BACKEND = TextBackend()


def _plain(text: Text | str) -> str:
    # render_as() looks the backend up through entry points on every call: far too slow per field.
    value = text.render(_TEXT_BACKEND) if isinstance(text, Text) else str(text)
    return _LEFTOVER_COMMAND.sub("", value).replace("\xa0", " ").strip()


def _person_surname(person: Person) -> str:
    parts = [_plain(t) for t in person.rich_prelast_names + person.rich_last_names]
    return " ".join(p for p in parts if p) or _plain(Text(str(person)))


def _surnames(people: list[Person]) -> str:
    surnames = [_person_surname(p) for p in people if str(p).strip().lower() != "others"]
    if len(surnames) < len(people) and surnames:  # "and others", as Google Scholar writes it
        return f"{surnames[0]} et al."
    if len(surnames) == 1:
        return surnames[0]
    if len(surnames) == 2:
        return f"{surnames[0]} and {surnames[1]}"
    return f"{surnames[0]} et al."


def _who(entry: Entry) -> str:
    for role in ("author", "editor"):
        if entry.persons.get(role):
            return _surnames(entry.persons[role])
    for name in ("organization", "institution", "publisher", "school", "howpublished"):
        if entry.fields.get(name):
            return _plain(rich_text(entry.fields[name]))
    title = _plain(rich_text(entry.fields.get("title", ""))) or entry.key
    words_ = title.split()
    return " ".join(words_[:4]) + ("…" if len(words_) > 4 else "")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _author_sort(entry: Entry) -> str:
    for role in ("author", "editor"):
        if entry.persons.get(role):
            return " ".join(
                _fold(_person_surname(p) + " " + " ".join(_plain(t) for t in p.rich_first_names + p.rich_middle_names))
                for p in entry.persons[role]
            )
    return _fold(_who(entry))




def _render(text: Text) -> str:
    rendered = str(text.render(html_backend()))
    return rendered.replace("&nbsp;", "\xa0")


def format_entries(bib: Bibliography) -> tuple[dict[str, BibEntry], list[Problem]]:
    """Format every entry of ``bib`` once with :class:`HouseStyle`; a bad entry is shown plainly, not fatal."""
    problems: list[Problem] = []
    result: dict[str, BibEntry] = {}
    if bib.data is None:
        return result, problems
    style = HouseStyle()
    prepared: list[tuple[str, Entry, str, str]] = []
    sort_keys: dict[str, tuple[str, str, str, str]] = {}
    for key, original in bib.data.entries.items():
        if key_problem(key) is not None:
            continue  # an error already (E306): never an anchor, a link or a label
        entry = normalise_entry(_with_crossref(bib.data, original, bib, problems))
        prepared.append((key, entry, _who(entry), entry.fields["year"]))
        sort_keys[key] = (_author_sort(entry), entry.fields["year"], _fold(entry.fields.get("title", "")), key)
    # "Smith 2010a", "Smith 2010b": disambiguate labels in bibliography order.
    order = sorted(prepared, key=lambda item: sort_keys[item[0]])
    groups: dict[tuple[str, str], list[str]] = {}
    for key, _, who, year_ in order:
        groups.setdefault((who, year_), []).append(key)
    suffix: dict[str, str] = {}
    for keys in groups.values():
        if len(keys) > 1:
            for i, key in enumerate(keys[:26]):
                suffix[key] = chr(ord("a") + i)
    for key, entry, who, year_ in prepared:
        line = bib.line_of(key)
        if year_ == NO_DATE:
            label_year = NO_DATE + ("-" + suffix[key] if key in suffix else "")
        else:
            label_year = year_ + suffix.get(key, "")
        if key in suffix:
            entry.fields["year"] = label_year
        try:
            rendered = safe_entry_html(_render(style.format_entry(key, entry).text), entry_links(entry.fields))
        except Exception as exc:  # missing crossref targets, odd names... never fatal
            problems.append(warning(bib.path, line, "W305", f"entry '{key}' could not be fully formatted ({exc})"))
            title = _plain(rich_text(entry.fields.get("title", ""))) or key
            rendered = html.escape(f"{who}. {label_year}. {title}.", quote=False)
        note = ""
        if entry.fields.get("note"):
            try:
                note = safe_entry_html(_render(rich_text(entry.fields["note"])), frozenset())
            except Exception:
                note = html.escape(entry.fields["note"], quote=False)
        result[key] = BibEntry(key, line, f"{who} {label_year}", rendered, note, sort_keys[key])
    return result, problems


def _with_crossref(data: BibliographyData, entry: Entry, bib: Bibliography, problems: list[Problem]) -> Entry:
    """``entry`` with fields inherited from its ``crossref`` parent (pybtex only does this for citations)."""
    parent_key = entry.fields.get("crossref")
    if not parent_key:
        return entry
    parent = data.entries.get(parent_key)
    if parent is None:
        problems.append(warning(bib.path, bib.line_of(entry.key), "W306",
                                f"entry '{entry.key}' has crossref '{parent_key}', which is not in the bibliography"
                                + suggest(parent_key, list(data.entries.keys()))))
        return entry
    fields = {k: v for k, v in entry.fields.items() if k.lower() != "crossref"}
    for name, value in parent.fields.items():
        lower = name.lower()
        if lower == "title" and parent.type.lower() in ("book", "proceedings", "collection", "mvbook"):
            fields.setdefault("booktitle", value)
        elif lower not in {k.lower() for k in fields}:
            fields[name] = value
    persons = {role: list(people) for role, people in entry.persons.items()}
    for role, people in parent.persons.items():
        if role.lower() == "author" and "author" not in persons:
            persons["author"] = list(people)
        elif role.lower() == "editor" and "editor" not in persons:
            persons["editor"] = list(people)
    copy = Entry(entry.type, fields=fields, persons=persons)
    copy.key = entry.key
    return copy


# --- HTML for pages ------------------------------------------------------------------------------


def references_html(keys: Iterable[str], bib: Bibliography) -> str:
    """The "References" list of a page citing ``keys`` (unknown keys left out), sorted like the bibliography.

    Returns an HTML block (no heading); an empty string when nothing is known.
    """
    formatted = bib.formatted()
    entries = sorted({formatted[k].key: formatted[k] for k in keys if k in formatted}.values(),
                     key=lambda e: e.sort_key)
    if not entries:
        return ""
    items = "\n".join(f'<li data-key="{html.escape(e.key, quote=True)}">{e.html}</li>' for e in entries)
    return f'<ul class="cb-references">\n{items}\n</ul>'


def references_markdown(
    keys: Iterable[str], bib: Bibliography, heading: str = "References", *, block: Callable[[str], str] = identity
) -> str:
    """``## References`` plus the list, ready to append to a page's Markdown; "" when nothing is cited.

    ``block`` turns the list's HTML into what the Markdown holds (see ``blockstash.py``).
    """
    found = references_html(keys, bib)
    return f"\n\n## {heading}\n\n{block(found)}\n" if found else ""


def bibliography_markdown(
    bib: Bibliography, cited_by: Mapping[str, list[tuple[str, str]]], *, title: str = "Bibliography",
    block: Callable[[str], str] = identity,
) -> str:
    """The ``/bibliography/`` page: every entry sorted by author and year, anchored by its key.

    ``cited_by`` maps a key to ``(page title, relative href)`` pairs, already in display order. ``block``
    turns the list (one HTML block) into the Markdown that stands for it (``blockstash.py``); MkDocs then
    no longer sees the entries' anchors, which the caller registers (``blockstash.anchor_ids``).
    """
    rows = []
    for entry in bib.sorted_entries():
        key = html.escape(entry.key, quote=True)
        parts = [f'<li id="{key}" class="cb-bib-entry"><div class="cb-ref">{entry.html}</div>']
        if entry.note:
            parts.append(f'<div class="cb-bib-note">{entry.note}</div>')
        citing = cited_by.get(entry.key, [])
        if citing:
            links = ", ".join(
                f'<a href="{html.escape(href_, quote=True)}">{html.escape(name, quote=False)}</a>'
                for name, href_ in citing
            )
            parts.append(f'<div class="cb-cited-by">Cited by: {links}</div>')
        parts.append(f'<div class="cb-bib-key">Key: <code>{key}</code></div></li>')
        rows.append("".join(parts))
    count = len(rows)
    intro = (
        f"<p>{count:,} works, sorted by author and year. Each entry's anchor is its BibTeX key; "
        "cite it in a case as <code>[@key]</code> or <code>[@key, p. 12]</code>.</p>"
    )
    body = block('<ol class="cb-bibliography">\n' + "\n".join(rows) + "\n</ol>") if rows else ""
    return f"# {title}\n\n{intro}\n\n{body}\n"


# --- Integrity -----------------------------------------------------------------------------------

#: An entry nothing cites: a warning from ``casebook validate --uncited``; in the build, information unless the
#: plugin's ``uncited: warn`` is set. The project's bibliography keeps its sources' reference lists whole.
UNCITED = "W301"


def check_citations(bib: Bibliography, cited: Mapping[str, list[Any]], *, uncited: bool = True) -> list[Problem]:
    """Unknown keys (errors, with "did you mean") and, if ``uncited``, entries nothing cites (warnings).

    ``cited`` maps a file (as shown in messages) to its citations, objects with ``key`` and ``line``.
    """
    problems: list[Problem] = []
    known = bib.keys
    if bib.data is None:
        return problems
    used: set[str] = set()
    hints: dict[str, str] = {}  # one suggestion per unknown key, however often it is cited
    for path in sorted(cited):
        for citation in cited[path]:
            if citation.key in bib.lines:
                used.add(citation.key)
            else:
                if citation.key not in hints:
                    hints[citation.key] = suggest(citation.key, known)
                problems.append(error(
                    path, citation.line, "E305",
                    f"unknown citation key '{citation.key}': not in {bib.path}" + hints[citation.key],
                ))
    if uncited:
        for key in known:
            if key not in used:
                problems.append(warning(
                    bib.path, bib.line_of(key), UNCITED,
                    f"entry '{key}' is not cited by any case, brief or page",
                ))
    return problems
