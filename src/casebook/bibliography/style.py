"""The house style: how an entry reads, the label a case cites it by, and the order of the lists.

:class:`HouseStyle` is a subclass of pybtex's ``unsrt`` style laid out author–year. It never changes the case
of a title (so "Secretaría de Desarrollo Social" keeps its capitals), falls back to "n.d." for a missing year
and to editors or organisations for a missing author.

Labels and sorting are done here by hand, not by pybtex's label and sorting plug-ins (``find_plugin``), because
neither kind of plug-in can say what the house means, and pybtex's ``Style.format_entries``, which calls them,
cannot be used either:

- pybtex's ``author_year_title`` sorting sorts by the TeX as written (no decoding, no folding of accents), uses
  editors only for books and puts every entry without an author first, organisations included: it would
  reorder nearly the whole bibliography.
- A label here is what inline citations show ("Benavides Rincón 2012"), and its disambiguating letter also goes
  into the year of the reference itself ("2012a"). pybtex's labels ("[1]", "[Ben12]") are printed beside an
  entry, and its label styles cannot change the entry.
- ``Style.format_entries`` stops at the first entry that fails to format; here that entry is shown plainly and
  the rest are formatted (W305).

So :func:`label_entries` gives every entry its sort key and label in one pass, and each page's reference list
is sorted by the same key, kept with the formatted entry.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pybtex.database import Entry, Person
from pybtex.richtext import Text
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.formatting.unsrt import dashify
from pybtex.style.template import first_of, href, join, names, optional, sentence, tag, words

from casebook.bibliography.fields import NO_DATE
from casebook.bibliography.richtext import fast_field, fast_from_latex, plain_text

# --- How an entry reads --------------------------------------------------------------------------


def optional_field(name: str, **kwargs: Any) -> Any:
    return optional[fast_field(name, **kwargs)]


year = fast_field("year")
pages = fast_field("pages", apply_func=dashify)


class HouseStyle(UnsrtStyle):  # type: ignore[misc]
    """Author–year: "Last, First. Year. Title. Container." Titles keep the case they were written in."""

    default_name_style = "lastfirst"

    def format_names(self, role: str, as_sentence: bool = True) -> Any:
        formatted = names(role, sep=", ", sep2=" and ", last_sep=", and ")
        return sentence[formatted] if as_sentence else formatted

    def format_title(self, e: Entry, which_field: str, as_sentence: bool = True) -> Any:
        # unsrt sentence-cases titles ("São Paulo" -> "São paulo"); a house style keeps the author's case.
        title = fast_field(which_field)
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
                return sentence[fast_field(name)]
        return None

    def head(self, e: Entry, title: Any) -> list[Any]:
        lead = self.lead(e)
        if lead is None:  # no one to put first: the title leads, then the year
            return [title, sentence[year]]
        return [lead, sentence[year], title]

    def web_refs(self) -> Any:
        return sentence[
            optional[words["Available at", href(fast_field("url", raw=True))[fast_field("url", raw=True)]]],
            optional[join["Accessed ", fast_field("urldate")]],
            optional[href(join["https://doi.org/", fast_field("doi", raw=True)])[
                join["doi:", fast_field("doi", raw=True)]]],
            optional[href(join["https://arxiv.org/abs/", fast_field("eprint", raw=True)])[
                join["arXiv:", fast_field("eprint", raw=True)]]],
        ]

    def format_btitle(self, e: Entry, which_field: str, as_sentence: bool = True) -> Any:
        title = tag("em")[fast_field(which_field)]
        return sentence[title] if as_sentence else title

    def format_volume_and_series(self, e: Entry, as_sentence: bool = True) -> Any:
        result = first_of[
            optional[words["Vol.", fast_field("volume"), optional[words["of", fast_field("series")]]]],
            optional[words[fast_field("series"), optional[fast_field("number")]]],
        ]
        return sentence[result] if as_sentence else result

    def place_publisher(self) -> Any:
        return sentence[join(sep=": ")[optional_field("address"), optional_field("publisher")]]

    def in_collection(self, e: Entry) -> Any:
        editors = optional[join(sep=" ")["edited by", self.format_names("editor", as_sentence=False)]]
        return sentence[
            words["In", tag("em")[fast_field("booktitle")]],
            editors,
            optional[join(sep=" ")["vol.", fast_field("volume")]],
            optional[join(sep=" ")["ch.", fast_field("chapter")]],
            optional[join(sep=" ")["pp.", pages]],
        ]

    def get_article_template(self, e: Entry) -> Any:
        volume = optional[join[fast_field("volume"), optional["(", fast_field("number"), ")"]]]
        container = sentence[
            join(sep=" ")[tag("em")[fast_field("journal")], volume] if "journal" in e.fields else volume,
            optional[pages],
        ]
        return join(sep=" ")[*self.head(e, self.format_title(e, "title")), container, self.web_refs()]

    def get_book_template(self, e: Entry) -> Any:
        return join(sep=" ")[
            *self.head(e, self.format_btitle(e, "title")),
            optional[sentence[words[fast_field("edition"), "edition"]]],
            self.format_volume_and_series(e),
            self.place_publisher(),
            optional[sentence["ISBN ", fast_field("isbn")]],
            self.web_refs(),
        ]

    def get_inbook_template(self, e: Entry) -> Any:
        if "booktitle" in e.fields:
            return self.get_incollection_template(e)
        return join(sep=" ")[
            *self.head(e, self.format_btitle(e, "title")),
            optional[sentence[join(sep=" ")["ch.", fast_field("chapter")], optional[join(sep=" ")["pp.", pages]]]],
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


# --- Labels and sorting --------------------------------------------------------------------------

#: How entries are sorted: author (folded), year, title (folded), key.
SortKey = tuple[str, str, str, str]


def _person_surname(person: Person) -> str:
    parts = [plain_text(t) for t in person.rich_prelast_names + person.rich_last_names]
    return " ".join(p for p in parts if p) or plain_text(Text(str(person)))


def _surnames(people: list[Person]) -> str:
    surnames = [_person_surname(p) for p in people if str(p).strip().lower() != "others"]
    if len(surnames) < len(people) and surnames:  # "and others", as Google Scholar writes it
        return f"{surnames[0]} et al."
    if len(surnames) == 1:
        return surnames[0]
    if len(surnames) == 2:
        return f"{surnames[0]} and {surnames[1]}"
    return f"{surnames[0]} et al."


def label_name(entry: Entry) -> str:
    """Who a label names: authors' or editors' surnames, else the organisation, else the title's first words."""
    for role in ("author", "editor"):
        if entry.persons.get(role):
            return _surnames(entry.persons[role])
    for name in ("organization", "institution", "publisher", "school", "howpublished"):
        if entry.fields.get(name):
            return plain_text(fast_from_latex(entry.fields[name]))
    title = plain_text(fast_from_latex(entry.fields.get("title", ""))) or entry.key
    words_ = title.split()
    return " ".join(words_[:4]) + ("…" if len(words_) > 4 else "")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _author_sort(entry: Entry) -> str:
    for role in ("author", "editor"):
        if entry.persons.get(role):
            return " ".join(
                _fold(_person_surname(p) + " " + " ".join(plain_text(t) for t in p.rich_first_names
                                                          + p.rich_middle_names))
                for p in entry.persons[role]
            )
    return _fold(label_name(entry))


def sort_key(key: str, entry: Entry) -> SortKey:
    """Where the entry ``key`` (normalised: it has a year) goes in the bibliography and in reference lists."""
    return (_author_sort(entry), entry.fields["year"], _fold(entry.fields.get("title", "")), key)


@dataclass(frozen=True)
class Label:
    """What a citation of an entry shows, "Benavides Rincón 2012a", and where the entry is sorted."""

    name: str
    year: str  # with the letter that tells apart works of one name and year: "2012a", "n.d.-b"
    sort_key: SortKey

    @property
    def text(self) -> str:
        return f"{self.name} {self.year}"


def label_entries(entries: Sequence[tuple[str, Entry]]) -> dict[str, Label]:
    """The label and sort key of each of ``entries`` (normalised), by key.

    Works of one name and year get the letters a–z in bibliography order ("Smith 2010a", "Smith 2010b"; an
    undated work "n.d.-a"), the 27th and later none.
    """
    named = {key: label_name(entry) for key, entry in entries}
    sort_keys = {key: sort_key(key, entry) for key, entry in entries}
    groups: dict[tuple[str, str], list[str]] = {}
    for key, entry in sorted(entries, key=lambda item: sort_keys[item[0]]):
        groups.setdefault((named[key], entry.fields["year"]), []).append(key)
    suffix: dict[str, str] = {}
    for keys in groups.values():
        if len(keys) > 1:
            for i, key in enumerate(keys[:26]):
                suffix[key] = chr(ord("a") + i)
    labels: dict[str, Label] = {}
    for key, entry in entries:
        year_ = entry.fields["year"]
        if year_ == NO_DATE:
            label_year = NO_DATE + ("-" + suffix[key] if key in suffix else "")
        else:
            label_year = year_ + suffix.get(key, "")
        labels[key] = Label(named[key], label_year, sort_keys[key])
    return labels
