"""BibTeX the site writes: the published ``bibliography.bib`` and the TeX its fields may hold.

A ``.bib`` file is TeX input. Whoever cites one of its entries compiles the entry's fields as TeX, so a field
(or an ``@preamble``) can read the reader's files (``\\input{/etc/hostname}``), overwrite them
(``\\immediate\\openout``), define commands, change what characters mean (``\\catcode``, ``^^5c`` for a
backslash) or, with ``-shell-escape``, run programs (``\\write18``). The contributors' ``bibliography.bib`` is
therefore never published as it is: :func:`published_bib` writes every entry again from what pybtex parsed,
with no ``@preamble`` and no ``@string``, and with field text limited to :data:`ALLOWED_WORDS` and
:data:`ALLOWED_SYMBOLS`: accents and special letters, ``\\url``, emphasis and a few text symbols, escaped
special characters, and braces. Nothing in that list reads or writes a file, defines anything or changes a
category code. ``casebook validate`` reports every other command in the source (:func:`tex_problems`), so
the published file says what the contributor wrote.

Text the site writes into BibTeX itself ("Cite this case") goes through :func:`tex_literal`, whose output
pybtex reads back as exactly that text: a brace is written ``\\textbraceleft{}``, never ``\\{``, because
BibTeX counts ``\\{`` as a brace and a title could otherwise close its field and add others.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pybtex.database import Entry, Person

#: Control words allowed in field text: accents, special letters, emphasis, ``\\url`` and text symbols.
ALLOWED_WORDS = frozenset(
    {
        # accents written as words: \c{c}, \v{s}, \H{o}...
        "b", "c", "d", "H", "k", "r", "t", "u", "v",
        # letters
        "i", "j", "l", "L", "o", "O", "ss", "SS", "ae", "AE", "oe", "OE", "aa", "AA", "dh", "DH", "dj", "DJ",
        "ng", "NG", "th", "TH",
        # emphasis and type styles
        "emph", "textit", "textbf", "textsc", "textsl", "texttt", "textup", "textmd", "textrm", "textsf",
        "textnormal", "textsuperscript", "textsubscript",
        # addresses
        "url",
        # text symbols
        "textendash", "textemdash", "textquotesingle", "textquotedbl", "textquoteleft", "textquoteright",
        "textquotedblleft", "textquotedblright", "guillemotleft", "guillemotright", "guilsinglleft",
        "guilsinglright", "quotedblbase", "quotesinglbase", "textbackslash", "textasciitilde", "textasciicircum",
        "textbraceleft", "textbraceright", "textunderscore", "textbar", "textless", "textgreater", "ldots",
        "dots", "textellipsis", "textbullet", "textperiodcentered", "textdegree", "textperthousand", "S", "P",
        "textsection", "textparagraph", "copyright", "textcopyright", "textregistered", "texttrademark",
        "texteuro", "pounds", "textsterling", "textyen", "textcent", "TeX", "LaTeX",
    }
)

#: Control symbols allowed in field text: accents (``\\'e``, ``\\"o``), escaped specials (``\\&``) and spacing.
ALLOWED_SYMBOLS = frozenset("'`^\"~=.&%$#_{} ,-/")

#: Characters TeX treats specially when they stand alone: written escaped in the published file.
_BARE = {"#": r"\#", "&": r"\&", "%": r"\%", "$": r"\$", "_": r"\_", "^": r"\^{}"}

#: Fields whose value is an address, not text: written percent-encoded where TeX would see a command.
URL_FIELDS = frozenset({"url", "doi", "eprint"})

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")

_TOKEN = re.compile(r"\\([A-Za-z]+)|\\(.)|\\\Z|([{}])|([^\\{}]+)", re.DOTALL)
_NAME = re.compile(r"[a-z][a-z0-9_:.+-]*")


# --- Checking the source --------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    """A TeX command (or ``^^``) the allow-list refuses, and where it is in the text."""

    offset: int
    text: str


def refused_commands(text: str, start: int = 0, end: int | None = None) -> list[Command]:
    """Every command in ``text[start:end]`` outside :data:`ALLOWED_WORDS` and :data:`ALLOWED_SYMBOLS`, and every
    ``^^`` (TeX reads ``^^5c`` as a backslash, and ``\\^^69nput`` as ``\\input``), in the order they come."""
    stop = len(text) if end is None else end
    found: list[Command] = []
    at = text.find("\\", start, stop)
    while at >= 0:
        match = _TOKEN.match(text, at, stop)
        assert match is not None  # a backslash always starts a token
        word, symbol = match.group(1), match.group(2)
        if word is not None and word not in ALLOWED_WORDS:
            found.append(Command(at, "\\" + word))
        elif word is None and (symbol is None or symbol not in ALLOWED_SYMBOLS):
            found.append(Command(at, "\\" + (symbol or "")))
        at = text.find("\\", match.end(), stop)
    carets = text.find("^^", start, stop)
    while carets >= 0:
        found.append(Command(carets, "^^"))
        carets = text.find("^^", carets + 2, stop)
    return sorted(found, key=lambda command: command.offset)


# --- Addresses ----------------------------------------------------------------------------------

_URL_UNESCAPE = re.compile(r"\\([_%&#~$])")
_URL_COMMAND = re.compile(r"^\\(?:url|href)\s*\{(.*?)\}.*$", re.DOTALL)


def clean_url(raw: str) -> str:
    """A URL field as written in BibTeX (``\\url{...}``, ``\\_``, ``\\%``) reduced to the URL itself."""
    text = raw.strip()
    command = _URL_COMMAND.match(text)
    if command:
        text = command.group(1)
    text = text.strip("{} \t\n")
    return _URL_UNESCAPE.sub(r"\1", text)


# --- Writing field text ---------------------------------------------------------------------------


def tex_text(value: str) -> str:
    """``value`` (a field as pybtex read it) with TeX limited to the allow-list and its braces balanced.

    Refused commands are left out (their arguments stay, as text); special characters standing alone are
    escaped; ``\\{`` and ``\\}`` become ``\\textbraceleft{}`` and ``\\textbraceright{}``; a ``}`` with no ``{``
    is dropped and an unclosed ``{`` closed. Text that needs none of this is returned as it is.
    """
    out: list[str] = []
    depth = 0
    after_word = False  # the last thing written is a control word: a letter next would lengthen its name
    for match in _TOKEN.finditer(" ".join(value.split())):
        word, symbol, brace, text = match.groups()
        piece = ""
        if word is not None:
            if word in ALLOWED_WORDS:
                piece = "\\" + word
        elif symbol is not None:
            if symbol == "{":
                piece = r"\textbraceleft{}"
            elif symbol == "}":
                piece = r"\textbraceright{}"
            elif symbol in ALLOWED_SYMBOLS:
                piece = "\\" + symbol
        elif brace == "{":
            depth += 1
            piece = "{"
        elif brace == "}":
            if depth:
                depth -= 1
                piece = "}"
        elif text is not None:
            piece = "".join(_BARE.get(ch, ch) for ch in text)
        if not piece:
            continue
        if after_word and piece[0].isalpha():
            out.append("{}")  # '\\i' + (a refused command) + 'nput' must not become '\\input'
        out.append(piece)
        after_word = word is not None
    out.append("}" * depth)
    return "".join(out)


def tex_literal(text: str) -> str:
    """Plain ``text`` as BibTeX field text that means exactly it: every TeX special character escaped, braces
    as ``\\textbraceleft{}``/``\\textbraceright{}`` (BibTeX counts ``\\{`` as a brace), whitespace collapsed."""
    return "".join(_LITERAL.get(ch, ch) for ch in " ".join(text.split()))


_LITERAL = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "&": r"\&", "%": r"\%",
    "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}


def url_text(value: str) -> str:
    """An address as field text: characters TeX or BibTeX would act on (``\\``, braces, ``^``, whitespace)
    percent-encoded, which leaves the address the same."""
    out = []
    for ch in value.strip():
        if ch in "\\{}^\"" or ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


# --- The published file ---------------------------------------------------------------------------

#: The comment at the top of the published file. It holds no at sign: BibTeX would take one for an entry.
HEADER = (
    "% The catalogue's bibliography, written again from its parsed entries: no preamble, no string\n"
    "% definitions, and no TeX commands beyond accents, \\url, emphasis, text symbols and escaped\n"
    "% special characters.\n"
)


def person_text(person: Person) -> str:
    return tex_text(str(person))


def field_text(name: str, value: str) -> str:
    """How the published file writes field ``name``: a month as its BibTeX macro, an address percent-encoded,
    anything else as :func:`tex_text` in braces."""
    if name == "month" and value.strip().lower() in MONTHS:
        return value.strip().lower()[:3]
    if name in URL_FIELDS:
        return "{" + url_text(clean_url(value)) + "}"
    return "{" + tex_text(value) + "}"


#: Fields the published file leaves out: biblatex runs an entry's ``execute`` as TeX code, and ``options`` can
#: hide the entry or change how every reader's style treats it (``dataonly``, ``skipbib``).
UNPUBLISHED_FIELDS = frozenset({"execute", "options"})


def entry_bibtex(key: str, entry: Entry) -> str:
    """One entry, written again: ``@type{key,``, then the names, then the fields in the order they came (but
    :data:`UNPUBLISHED_FIELDS`)."""
    kind = entry.type.lower()
    if _NAME.fullmatch(kind) is None:
        kind = "misc"
    lines = []
    for role, people in entry.persons.items():
        name = role.lower()
        if _NAME.fullmatch(name) and people:
            lines.append(f"  {name} = {{{' and '.join(person_text(p) for p in people)}}}")
    for field, value in entry.fields.items():
        name = field.lower()
        if _NAME.fullmatch(name) and name not in UNPUBLISHED_FIELDS:
            lines.append(f"  {name} = {field_text(name, value)}")
    body = ",\n".join(lines)
    return f"@{kind}{{{key},\n" + (body + "\n" if body else "") + "}\n"


def published_bib(entries: Iterable[tuple[str, Entry]]) -> str:
    """The published ``bibliography.bib``: :data:`HEADER`, then ``entries`` in the order given, a blank line
    between them."""
    return HEADER + "".join("\n" + entry_bibtex(key, entry) for key, entry in entries)
