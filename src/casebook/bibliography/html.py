"""Entries formatted as HTML, once per bibliography, and the lists pages show: a page's "References" and the
``/bibliography/`` page."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from pybtex.database import Entry
from pybtex.richtext import Text

from casebook.bibliography.fields import normalise_entry, with_crossref
from casebook.bibliography.links import entry_links, html_backend, safe_entry_html
from casebook.bibliography.richtext import fast_from_latex, plain_text
from casebook.bibliography.style import HouseStyle, SortKey, label_entries
from casebook.core.blockstash import identity
from casebook.core.ids import key_problem
from casebook.core.problems import Problem, warning

if TYPE_CHECKING:
    from casebook.bibliography.database import Bibliography


@dataclass
class BibEntry:
    """One formatted entry."""

    key: str
    line: int
    label: str  # author–year for inline citations: "Benavides Rincón 2012"
    html: str  # the full reference, HTML
    note: str  # the entry's note, HTML (shown on the bibliography page only)
    sort_key: SortKey


def render_html(text: Text) -> str:
    """pybtex rich text as HTML, with the house's links (:func:`html_backend`)."""
    rendered = str(text.render(html_backend()))
    return rendered.replace("&nbsp;", "\xa0")


def format_entries(bib: Bibliography) -> tuple[dict[str, BibEntry], list[Problem]]:
    """Format every entry of ``bib`` once with :class:`HouseStyle`; a bad entry is shown plainly, not fatal."""
    problems: list[Problem] = []
    result: dict[str, BibEntry] = {}
    if bib.data is None:
        return result, problems
    style = HouseStyle()
    prepared: list[tuple[str, Entry]] = []
    for key, original in bib.data.entries.items():
        if key_problem(key) is not None:
            continue  # an error already (E306): never an anchor, a link or a label
        entry = with_crossref(bib.data, original, bib.path, bib.line_of(original.key), problems)
        prepared.append((key, normalise_entry(entry)))
    labels = label_entries(prepared)
    for key, entry in prepared:
        line = bib.line_of(key)
        label = labels[key]
        if label.year != entry.fields["year"]:
            entry.fields["year"] = label.year  # the letter of "Smith 2010a" is in the reference too
        try:
            rendered = safe_entry_html(render_html(style.format_entry(key, entry).text), entry_links(entry.fields))
        except Exception as exc:  # missing crossref targets, odd names... never fatal
            problems.append(warning(bib.path, line, "W305", f"entry '{key}' could not be fully formatted ({exc})"))
            title = plain_text(fast_from_latex(entry.fields.get("title", ""))) or key
            rendered = escape(f"{label.name}. {label.year}. {title}.", quote=False)
        note = ""
        if entry.fields.get("note"):
            try:
                note = safe_entry_html(render_html(fast_from_latex(entry.fields["note"])), frozenset())
            except Exception:
                note = escape(entry.fields["note"], quote=False)
        result[key] = BibEntry(key, line, label.text, rendered, note, label.sort_key)
    return result, problems


def references_html(keys: Iterable[str], bib: Bibliography) -> str:
    """The "References" list of a page citing ``keys`` (unknown keys left out), sorted like the bibliography.

    Returns an HTML block (no heading); an empty string when nothing is known.
    """
    formatted = bib.formatted()
    entries = sorted({formatted[k].key: formatted[k] for k in keys if k in formatted}.values(),
                     key=lambda e: e.sort_key)
    if not entries:
        return ""
    items = "\n".join(f'<li data-key="{escape(e.key, quote=True)}">{e.html}</li>' for e in entries)
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
        key = escape(entry.key, quote=True)
        parts = [f'<li id="{key}" class="cb-bib-entry"><div class="cb-ref">{entry.html}</div>']
        if entry.note:
            parts.append(f'<div class="cb-bib-note">{entry.note}</div>')
        citing = cited_by.get(entry.key, [])
        if citing:
            links = ", ".join(
                f'<a href="{escape(href_, quote=True)}">{escape(name, quote=False)}</a>'
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
