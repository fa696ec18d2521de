""""Cite this selection": the file from which the explorer makes a selection's BibTeX and CSV in the browser.

``explore/cite.json`` holds, for each published case, its "Cite this case" BibTeX exactly as its page shows it
(``citations/cite.py``) and its line of ``/data/cases.csv`` exactly as that file has it
(:func:`casebook.site.datafiles.csv_lines`), and the CSV's header line. ``assets/explore-select.js`` joins the
entries of the cases a reader has selected, so a selection's ``.bib`` holds the same entries as the case pages
and its ``.csv`` the same lines as ``cases.csv``: formula-safe under any list separator, as that file is.
The script asks for the file only when a reader downloads, so the explorer's first load stays small.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from casebook.citations.cite import CaseCitation
from casebook.core.escape import json_in_html
from casebook.core.model import Case
from casebook.core.taxonomy import Taxonomy
from casebook.core.validate import published_schema
from casebook.site.datafiles import csv_lines
from casebook.site.urls import case_src

#: Where the file lives, relative to the site root (beside the explorer's ``cases.json``).
CITE_URI = "explore/cite.json"


def selection_json(
    cases: Iterable[Case], taxonomy: Taxonomy, citations: Mapping[str, CaseCitation], *, include_drafts: bool = False
) -> str:
    """``explore/cite.json`` for the published ``cases`` (and the drafts, in a preview, as the explorer lists them);
    ``citations`` are the case pages' by source path."""
    published = [c for c in cases if include_drafts or not c.is_draft]
    header, rows = csv_lines(published, published_schema(taxonomy))
    data = {
        "csv_header": header,
        "cases": {
            case.slug: {"bibtex": citations[case_src(case.slug)].bibtex, "csv": rows[case.slug]}
            for case in sorted(published, key=lambda c: c.slug)
        },
    }
    return json_in_html(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))) + "\n"
