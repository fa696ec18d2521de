"""Entries as CSL-JSON, the citation data Zotero, Pandoc and citeproc read (``/api/v1/cases/<slug>.json``).

pybtex writes BibTeX, BibTeXML and YAML but no CSL-JSON, so the mapping is the house's, made from the parsed
entries: fields inherited from a ``crossref`` and biblatex names mapped as for formatting (``fields.py``), then
each value decoded from TeX to plain text (accents, braces and text commands resolved), names split into
``family``/``given`` (an organisation, written in braces, as ``literal``), dates as ``date-parts``. Values stay
plain text: whoever shows them escapes them. An address (``URL``) is kept only if it is an http(s) link, so
that no ``javascript:`` link travels in the data. Where BibTeX has no CSL field the nearest one is used:
``howpublished`` as ``publisher`` (when there is none), ``school`` and ``institution`` too, a thesis's or
report's ``type`` as ``genre``.
"""

from __future__ import annotations

import re
from typing import Any

from pybtex.database import BibliographyData, Entry, Person

from casebook.bibliography.fields import NO_DATE, normalise_entry, with_crossref
from casebook.bibliography.links import safe_href
from casebook.bibliography.richtext import fast_from_latex, plain_text
from casebook.core.problems import Problem

#: An entry's type as written (lower case), or as ``fields.py`` maps it, to the CSL item type.
CSL_TYPES = {
    "article": "article-journal", "book": "book", "booklet": "pamphlet", "inbook": "chapter",
    "incollection": "chapter", "inproceedings": "paper-conference", "conference": "paper-conference",
    "proceedings": "book", "manual": "book", "mastersthesis": "thesis", "phdthesis": "thesis", "thesis": "thesis",
    "techreport": "report", "report": "report", "unpublished": "manuscript", "misc": "document",
    "online": "webpage", "www": "webpage", "webpage": "webpage", "electronic": "webpage", "dataset": "dataset",
    "software": "software", "legislation": "legislation", "patent": "patent", "standard": "standard",
}
#: Every CSL type :func:`csl_item` can give, for the schema.
TYPES = frozenset(CSL_TYPES.values())

#: BibTeX fields copied as CSL text fields of another name (when the entry has them).
TEXT_FIELDS = {
    "title": "title", "series": "collection-title", "address": "publisher-place", "volume": "volume",
    "edition": "edition", "isbn": "ISBN", "issn": "ISSN", "note": "note", "abstract": "abstract",
}
#: The fields that may name the publisher, in order of preference.
PUBLISHER_FIELDS = ("publisher", "school", "institution", "organization", "howpublished")
ROLES = {"author": "author", "editor": "editor", "translator": "translator"}

#: babel and biblatex language names as BCP 47 tags (CSL's ``language``); others are passed on as written.
LANGUAGES = {
    "english": "en", "american": "en-US", "british": "en-GB", "spanish": "es", "french": "fr", "german": "de",
    "ngerman": "de", "italian": "it", "portuguese": "pt", "brazilian": "pt-BR", "dutch": "nl", "danish": "da",
    "swedish": "sv", "norwegian": "no", "norsk": "nb", "nynorsk": "nn", "finnish": "fi", "estonian": "et",
    "hungarian": "hu", "magyar": "hu", "polish": "pl", "czech": "cs", "greek": "el", "catalan": "ca",
}
MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DATE = re.compile(r"\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\s*$")


def text(value: str) -> str:
    """A field's TeX as plain text."""
    return " ".join(plain_text(fast_from_latex(value)).split())


def csl_name(person: Person) -> dict[str, str]:
    """A person as a CSL name: ``family``, ``given``, ``non-dropping-particle``, ``suffix``; an organisation
    (one braced name: ``{World Bank}``) as ``literal``."""
    given = [*person.first_names, *person.middle_names]
    if not given and not person.prelast_names and not person.lineage_names and len(person.last_names) == 1:
        only = person.last_names[0]
        if only.startswith("{") and only.endswith("}"):
            return {"literal": text(only)}
    name = {
        "family": " ".join(text(p) for p in person.last_names),
        "given": " ".join(text(p) for p in given),
        "non-dropping-particle": " ".join(text(p) for p in person.prelast_names),
        "suffix": " ".join(text(p) for p in person.lineage_names),
    }
    return {key: value for key, value in name.items() if value}


def _month(value: str) -> int | None:
    word = text(value).strip().lower()
    if word.isdigit() and 1 <= int(word) <= 12:
        return int(word)
    for number, name in enumerate(MONTH_NAMES, start=1):
        if word.startswith(name):
            return number
    return None


def _date(value: str) -> dict[str, Any] | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as CSL ``date-parts``; other text as a ``literal`` date."""
    match = _DATE.match(value)
    if match is None:
        plain = text(value)
        return {"literal": plain} if plain else None
    return {"date-parts": [[int(part) for part in match.groups() if part is not None]]}


def _issued(fields: dict[str, str]) -> dict[str, Any] | None:
    """When the work appeared: ``date``, else ``year`` (with ``month`` when it names one); none for "n.d."."""
    if fields.get("date"):
        return _date(fields["date"])
    year = fields.get("year", "").strip()
    if not year or year == NO_DATE:
        return None
    issued = _date(year)
    month = _month(fields["month"]) if fields.get("month") else None
    parts = issued.get("date-parts") if issued is not None else None
    if parts and len(parts[0]) == 1 and month is not None:
        parts[0].append(month)
    return issued


def csl_item(key: str, entry: Entry, data: BibliographyData) -> dict[str, Any]:
    """The entry ``key`` of ``data`` as one CSL-JSON item (``id`` and ``citation-key`` are the key)."""
    problems: list[Problem] = []  # a missing crossref parent was reported when the file was read (W306)
    raw = with_crossref(data, entry, "", 1, problems)
    written = {name.lower(): value for name, value in raw.fields.items()}
    normal = normalise_entry(raw)
    fields = dict(normal.fields)
    kind = CSL_TYPES.get(raw.type.lower()) or CSL_TYPES.get(normal.type, "document")
    item: dict[str, Any] = {"id": key, "citation-key": key, "type": kind}
    for role, people in raw.persons.items():
        csl_role = ROLES.get(role.lower())
        if csl_role and people:
            item[csl_role] = [csl_name(p) for p in people if str(p).strip().lower() != "others"]
    for name, csl in TEXT_FIELDS.items():
        value = written.get("edition") if name == "edition" else fields.get(name)
        if value and text(value):
            item[csl] = text(value)
    container = fields.get("journal") if kind == "article-journal" else fields.get("booktitle")
    if container and text(container):
        item["container-title"] = text(container)
    publisher = next((fields[f] for f in PUBLISHER_FIELDS if fields.get(f) and safe_href(fields[f]) is None), "")
    if publisher and text(publisher):
        item["publisher"] = text(publisher)
    if fields.get("number") and text(fields["number"]):
        item["issue" if kind == "article-journal" else "number"] = text(fields["number"])
    if fields.get("pages") and text(fields["pages"]):
        item["page"] = text(fields["pages"]).replace("\u2013", "-").replace("\u2014", "-")
    if fields.get("type") and text(fields["type"]):
        item["genre"] = text(fields["type"])
    elif kind == "thesis":
        item["genre"] = "PhD thesis" if normal.type == "phdthesis" else "Master's thesis"
    language = fields.get("language") or fields.get("langid")
    if language and text(language):
        item["language"] = LANGUAGES.get(text(language).lower(), text(language))
    issued = _issued(fields)
    if issued is not None:
        item["issued"] = issued
    if fields.get("urldate"):
        accessed = _date(fields["urldate"])
        if accessed is not None:
            item["accessed"] = accessed
    url = (fields.get("url") or fields.get("howpublished") or "").strip()
    if safe_href(url) is not None and not url.lower().startswith("doi:"):
        item["URL"] = url
    if fields.get("doi", "").strip().startswith("10."):
        item["DOI"] = fields["doi"].strip()
    return item


def csl_items(keys: list[str], data: BibliographyData) -> list[dict[str, Any]]:
    """The entries ``keys`` (in that order; keys ``data`` lacks left out) as CSL-JSON items."""
    return [csl_item(key, data.entries[key], data) for key in keys if key in data.entries]
