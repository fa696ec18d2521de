"""What each page tells the Pagefind indexer: filters and metadata from validated front-matter only.

Pagefind reads the built HTML: it indexes only elements marked ``data-pagefind-body`` (the article
of content pages; the explorer and generated listings are left out) and takes filters from
``data-pagefind-filter``. The plugin puts this markup on each page from the validated catalogue, never
from the page itself; running the indexer is the adapter's (``casebook.adapter.pagefind``). Inside the
article, the parts search does not need are left out two ways: the site's own generated HTML marks them
with :data:`SEARCH_IGNORE` where it writes them (the header cards of case and brief pages), and the indexer
is given :data:`EXCLUDE_SELECTORS` for the rest. Contributor HTML can do neither: the sanitizer keeps no
``data-*`` attribute and only its own classes, and the site's blocks are put back after it has run.

Names are spelled as their owners spell them (Lægreid, Søren), and readers type them without the letters
their keyboard lacks ("laegreid"). Pagefind folds accents itself ("pole" finds "Pôle") but not letters that
are not an accented letter (æ, ø, ß, ł...) nor the usual transliterations ("muenchen" for "München"). So each
indexed page also carries :func:`search_aliases`: a hidden element the site writes, holding the folded forms
of the page's own indexed words, which ``search.js`` never shows in an excerpt.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from html.parser import HTMLParser

from casebook.core.escape import html_attr, html_text
from casebook.core.model import Case
from casebook.core.taxonomy import Taxonomy, country_name, term_label
from casebook.site.explore import TYPE_LABELS

#: The attribute that leaves an element of the site's own markup out of the index (Pagefind's own). On a case
#: page's header card it marks every label, every value but the organisations, and "Compare with…": the
#: countries, mechanisms and policy areas are filters already, the rest is metadata the card shows, and Pagefind
#: does not separate a ``<dt>`` from its ``<dd>``, so indexed labels ran into their values in excerpts and as
#: words ("Directionhorizontal"). The organisations stay indexed, one list item each: the card is often the
#: only place a case names them in their own language. A brief's facts (audience, authors, date) are left out
#: whole.
SEARCH_IGNORE = "data-pagefind-ignore"

#: Generated parts of indexed pages that search does not need, for the indexer's ``--exclude-selectors``:
#: related cases and other listings of cases (the table of /cases/, the matrix and its key, the "cited by"
#: lines of /bibliography/, the cases of a term that record no lesson), references lists and "cite this case",
#: and the headings' permalink symbols (a "¶" in every excerpt that reached a heading). Titles, summaries,
#: the organisations and the body stay indexed; so do the bibliography's entries. A case's title then finds
#: the case, not every listing that names it; at 1,000 synthetic cases /bibliography/ alone was 300,000
#: words of case titles, one 2.4 MB result to download.
EXCLUDE_SELECTORS = (
    ".cb-list", ".cb-references", ".cb-cite-case", ".cb-sortable", ".cb-matrix", ".cb-key", ".cb-cited-by",
    ".cb-lessons__none", ".headerlink",
)

#: Letters that Unicode decomposition leaves whole, and how they are typed without them.
LETTERS = {"æ": "ae", "ø": "o", "ß": "ss", "œ": "oe", "ð": "d", "þ": "th", "ł": "l", "đ": "d", "ħ": "h", "ı": "i",
           "ŀ": "l", "ĳ": "ij"}
#: The transliterations readers also use ("Mueller", "Soeren", "Aarhus"); applied before :data:`LETTERS`.
SPELLED = {"ä": "ae", "ö": "oe", "ü": "ue", "å": "aa", "ø": "oe"}
#: Ends the aliases in the indexed text, so that ``search.js`` can leave them out of excerpts (an invisible
#: separator; ``search.js`` takes it for the end of the aliases only after lower-case ASCII words).
ALIASES_END = "\u2063"
#: The aliases count for less than the words as written, so a name spelled as its owner spells it ranks first.
ALIASES_WEIGHT = "0.5"

_WORD = re.compile(r"[^\W_]+")  # letters and digits: Pagefind splits words at hyphens and underscores too


def _filter(name: str, value: str) -> str:
    # Pagefind reads "name:value" from the attribute; the element itself stays empty and hidden.
    return f'<span data-pagefind-filter="{html_attr(name)}:{html_attr(value)}" hidden></span>'


def _meta(name: str, value: str) -> str:
    return f'<span data-pagefind-meta="{html_attr(name)}:{html_attr(value)}" hidden></span>'


def draft_markup() -> str:
    """A draft's mark in its results (only ``mkdocs serve`` shows and indexes drafts; ``search.js`` shows it)."""
    return _meta("draft", "DRAFT")


def page_markup(kind: str, *, draft: bool = False) -> str:
    return _filter("kind", kind) + (draft_markup() if draft else "")


def case_markup(case: Case, taxonomy: Taxonomy) -> str:
    """Hidden filter elements for a case page, from its validated front-matter (escaped for attributes).

    ``slug`` lets the explorer turn a full-text query into a set of cases without loading any result.
    """
    parts = [_filter("kind", "case"), _filter("slug", case.slug)]
    parts.append(_filter("type", TYPE_LABELS.get(case.type, case.type)))
    parts += [_filter("country", country_name(c)) for c in sorted(case.countries)]
    for key in sorted(case.mechanisms):
        parts.append(_filter("mechanism", term_label(taxonomy.mechanisms, key)))
    for key in sorted(case.policy_areas):
        parts.append(_filter("policy area", term_label(taxonomy.policy_areas, key)))
    if case.is_draft:
        parts.append(draft_markup())
    return "".join(parts)


# --- Folded spellings ---------------------------------------------------------------------------------------------


def _strip_marks(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.category(ch).startswith("M"))


def fold(word: str, *, spelled: bool = False) -> str:
    """``word`` in lower case without accents and special letters ("Lægreid" -> "laegreid"); with ``spelled``,
    umlauts, å and ø as two letters ("Søren" -> "soeren"). ``search.js`` folds the same way."""
    text = unicodedata.normalize("NFC", word).lower()
    if spelled:
        text = "".join(SPELLED.get(ch, ch) for ch in text)
    return _strip_marks("".join(LETTERS.get(ch, ch) for ch in text))


def aliases(words: Iterable[str]) -> list[str]:
    """The folded forms of ``words`` that Pagefind would not find by itself: ASCII forms that differ from the word
    with its accents dropped (which Pagefind matches already). Sorted, and each as often as its words occur, so
    that "laegreid" ranks the pages as "Lægreid" does."""
    found: Counter[str] = Counter()
    for word, count in Counter(w for w in words if not w.isascii()).items():
        own = _strip_marks(unicodedata.normalize("NFC", word).lower())
        for form in {fold(word), fold(word, spelled=True)}:
            if form.isascii() and form != own and form.isalnum():
                found[form] += count
    return [form for form in sorted(found) for _ in range(found[form])]


def search_aliases(html: str) -> str:
    """The hidden element of aliases for a page whose indexed HTML is ``html``; empty when it needs none."""
    forms = aliases(_WORD.findall(indexed_text(html)))
    if not forms:
        return ""
    return (f'<span data-pagefind-weight="{ALIASES_WEIGHT}" hidden>'
            f"{html_text(' '.join(forms))} {ALIASES_END}</span>")


# --- The text Pagefind indexes ------------------------------------------------------------------------------------

#: Elements without an end tag.
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
#: A compound selector: an optional tag name, then classes.
Compound = tuple[str, frozenset[str]]


def _parse_selector(selector: str) -> list[tuple[str, Compound]]:
    """``".a > b.c d"`` as ``[("", ("", {"a"})), (">", ("b", {"c"})), (" ", ("d", {}))]``: combinators before
    each compound. Only what :data:`EXCLUDE_SELECTORS` uses: tags, classes, child and descendant combinators."""
    steps: list[tuple[str, Compound]] = []
    combinator = ""
    for token in selector.replace(">", " > ").split():
        if token == ">":
            combinator = ">"
            continue
        tag, *classes = token.split(".")
        steps.append((combinator or (" " if steps else ""), (tag.lower(), frozenset(classes))))
        combinator = ""
    return steps


def _matches(steps: list[tuple[str, Compound]], stack: list[Compound]) -> bool:
    """Whether the element at the top of ``stack`` (its ancestors below it) matches ``steps``."""
    if not steps:
        return True
    if not stack:
        return False
    combinator, (tag, classes) = steps[-1]
    element_tag, element_classes = stack[-1]
    if (tag and tag != element_tag) or not classes <= element_classes:
        return False
    rest, ancestors = steps[:-1], stack[:-1]
    if not rest:
        return True
    if combinator == ">":
        return _matches(rest, ancestors)
    return any(_matches(rest, ancestors[:i]) for i in range(len(ancestors), 0, -1))


_EXCLUDED = [_parse_selector(s) for s in EXCLUDE_SELECTORS]


class _IndexedText(HTMLParser):
    """The text of an HTML fragment outside the elements Pagefind is told to skip (and scripts and styles)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[Compound] = []
        self.skipping: list[int] = []  # depths of the excluded elements open
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        classes = frozenset(next((v or "" for k, v in attrs if k == "class"), "").split())
        self.stack.append((tag, classes))
        if (tag in ("script", "style") or any(name == SEARCH_IGNORE for name, _ in attrs)
                or any(_matches(steps, self.stack) for steps in _EXCLUDED)):
            self.skipping.append(len(self.stack))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack), 0, -1):  # close up to the element this end tag closes
            if self.stack[depth - 1][0] == tag:
                del self.stack[depth - 1:]
                while self.skipping and self.skipping[-1] > len(self.stack):
                    self.skipping.pop()
                return

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def indexed_text(html: str) -> str:
    """The text of ``html`` that Pagefind indexes, given :data:`SEARCH_IGNORE` and :data:`EXCLUDE_SELECTORS`."""
    parser = _IndexedText()
    parser.feed(html)
    parser.close()
    return " ".join(parser.parts)
