"""Extra synthetic cases for the readers' tests (explorer facets, search, data files, feed), and the cells of a
CSV file that a spreadsheet would run as formulas."""

from __future__ import annotations

import csv
import io
import json
import re

FILLER = "Synthetic fixture sentence about agencies that share one front office for job seekers. " * 40


def case(title: str, *, country: str, area: str, mechanism: str, start: int, end: int | None = None,
         direction: str = "vertical", extra: str = "", updated: str | None = None) -> str:
    lines = [
        "---",
        f"title: {title!r}".replace("'", '"'),
        'summary: "Synthetic fixture: it describes nothing real and exists only for tests."',
        'type: "profile"',
        'status: "published"',
        f'countries: ["{country}"]',
        f'policy_areas: ["{area}"]',
        f'mechanisms: ["{mechanism}"]',
        "coordination:",
        f'  direction: ["{direction}"]',
        '  modes: ["network"]',
        '  levels: ["national", "local"]',
        "period:",
        f"  start: {start}",
    ]
    if end is not None:
        lines.append(f"  end: {end}")
    lines += [
        "organisations:",
        '  - name: "Agentur für Arbeit"',
        '    acronym: "BA"',
        '    role: "Synthetic role"',
        '  - name: "Jobcenter, local"',
        'authors: ["Test Author", "Second Author"]',
    ]
    if updated:
        lines.append(f'updated: "{updated}"')
    lines += ["---", "", FILLER, "", extra, ""]
    return "\n".join(lines)


#: Body-only words: they occur in one case's body and nowhere else on the site.
BODY_WORD = "quetzalwombat"

EXTRA_CASES = {
    "de-one-stop-jobcentre.md": case(
        "One-stop jobcentres for the long-term unemployed", country="DE", area="employment-services",
        mechanism="one-stop-shop", start=2005, updated="2026-03-01",
    ),
    "gt-health-results.md": case(
        "Results-based health budgeting", country="GT", area="health", mechanism="budgeting-tool",
        start=2012, end=2015, extra=f"The {BODY_WORD} appears only here.", updated="2026-02-01",
    ),
}


TRIGGERS = ("=", "+", "-", "@")


def formula_cells(text: str) -> list[str]:
    """Every piece of ``text`` that a spreadsheet could take for a cell and run as a formula: the file split into
    records on line breaks and into cells on ``,``, ``;``, a tab, a space or ``|`` (the separators a spreadsheet
    offers on import), with quotes honoured (as LibreOffice and Excel read a CSV) and ignored (as a naive split
    does), spaces and quotes before the text skipped."""
    found = []
    for separator in (",", ";", "\t", " ", "|"):
        pieces = [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator) for cell in row]
        pieces += [cell for line in re.split("[\r\n]", text) for cell in line.split(separator)]
        pieces += [part for cell in pieces for part in re.split("[\r\n]", cell)]
        found += [cell for cell in pieces if cell.lstrip(' "').startswith(TRIGGERS)]
    return found


# --- The API and the lessons: a case with hostile text, lessons and citations, and a draft with lessons ---

API_HOSTILE = "<script>alert(1)</script> & \u2028 </title>"

API_BIB = r"""@book{doe2020, author = {Doe, Jane}, title = {A Book about </script>}, year = {2020}, publisher = {P}}
@misc{web2021, title = {A Page}, url = {javascript:alert(1)}, year = {2021}}
@misc{uncited, title = {Nobody cites me}, year = {2000}}
"""


def with_lessons(text: str, lessons: list[str]) -> str:
    """A case file's text with ``lessons`` in its front-matter."""
    return text.replace("authors:", f"lessons: {json.dumps(lessons)}\nauthors:", 1)


def api_cases() -> dict[str, str]:
    """``EXTRA_CASES`` and two more: ``is-hostile`` (published, hostile text, a lesson, two citations) and
    ``li-api-draft`` (a draft with a lesson, the only case about Liechtenstein and the only task force)."""
    from support.content import synthetic

    hostile = synthetic(API_HOSTILE, ["IS"], ["one-stop-shop"], ["health"], 2010,
                        summary=f"Synthetic fixture: {API_HOSTILE}")
    hostile = with_lessons(hostile, [f"A lesson with {API_HOSTILE}"]) + "\nCited [@doe2020; @web2021].\n"
    draft = synthetic("Synthetic draft for the API", ["LI"], ["task-force"], ["education"], 2011)
    draft = with_lessons(draft.replace('status: "published"', 'status: "draft"'), ["Draft lesson text."])
    return {**EXTRA_CASES, "is-hostile.md": hostile, "li-api-draft.md": draft}
