"""What an entry becomes before it is formatted: fields inherited from its ``crossref``, biblatex names and types
mapped to BibTeX's, TeX commands around text unwrapped, addresses cleaned, and a year or "n.d."."""

from __future__ import annotations

import re

from pybtex.database import BibliographyData, Entry

from casebook.bibliography.bibtex import clean_url
from casebook.bibliography.links import DOI_PREFIXES
from casebook.bibliography.richtext import FastEntry, FastPerson
from casebook.core.problems import Problem, warning
from casebook.core.taxonomy import suggest

#: The year of an entry that has none, in references and labels.
NO_DATE = "n.d."

# Commands whose argument is the text to show: \emph{x}, \url{x}...
_TEXT_COMMANDS = re.compile(
    r"\\(?:emph|textit|textbf|textsc|textsl|texttt|textup|textmd|textrm|textsf|textnormal|mkbibquote|"
    r"mkbibemph|enquote|mbox|hbox|url|nolinkurl|path|uppercase|MakeUppercase|lowercase|MakeLowercase|"
    r"textsuperscript|textsubscript|doi)\s*(?=\{)"
)
_HREF = re.compile(r"\\href\s*\{[^{}]*\}\s*(?=\{)")
_YEAR = re.compile(r"(\d{4})")

#: biblatex field names, mapped to what BibTeX styles read.
FIELD_ALIASES = {"journaltitle": "journal", "location": "address"}
#: biblatex and exporter entry types, mapped to the BibTeX type that formats them.
TYPE_ALIASES = {
    "online": "misc", "electronic": "misc", "www": "misc", "webpage": "misc", "software": "misc",
    "dataset": "misc", "report": "techreport", "thesis": "phdthesis", "collection": "book",
    "mvbook": "book", "mvcollection": "book", "periodical": "book", "reference": "book",
    "mvreference": "book", "bookinbook": "inbook", "suppbook": "inbook",
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
    for prefix in DOI_PREFIXES:
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


def with_crossref(data: BibliographyData, entry: Entry, path: str, line: int, problems: list[Problem]) -> Entry:
    """``entry`` with fields inherited from its ``crossref`` parent (pybtex only does this for citations).

    A parent missing from ``data`` is a warning (W306) added to ``problems``, at ``line`` of ``path``.
    """
    parent_key = entry.fields.get("crossref")
    if not parent_key:
        return entry
    parent = data.entries.get(parent_key)
    if parent is None:
        problems.append(warning(path, line, "W306",
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
