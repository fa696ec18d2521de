"""The bibliography: ``bibliography.bib`` read with pybtex, checked, and formatted once per content hash.

Which module owns what, in the order the work is done:

- ``scan.py``: where each ``@type{...}`` starts and ends, so every problem has a line (pybtex gives none).
- ``database.py``: the :class:`Bibliography` model; loading, the checks made on loading (E301–E308) and the
  cache by content hash.
- ``fields.py``: what an entry becomes before formatting (crossref, biblatex names and types, TeX unwrapped).
- ``richtext.py``: field values as pybtex rich text, fast (each fast twin names the slow one it must equal).
- ``style.py``: the house style, and the labels and sort order, which are done by hand (its docstring says why).
- ``links.py``: links in references, and the check every formatted entry's HTML passes.
- ``html.py``: formatting every entry to HTML, a page's "References", the ``/bibliography/`` page.
- ``integrity.py``: citations against the bibliography (unknown keys, entries nothing cites).
- ``bibtex.py``: the TeX allow-list and the ``bibliography.bib`` the site publishes.
- ``csl.py``: entries as CSL-JSON items, for the API.

The names below are the package's interface; the rest of the engine imports only these (and ``bibtex.py``).
"""

from casebook.bibliography.csl import csl_items
from casebook.bibliography.database import Bibliography, load_bibliography, parse_bibliography
from casebook.bibliography.html import bibliography_markdown, format_entries, references_html, references_markdown
from casebook.bibliography.integrity import UNCITED, check_citations
from casebook.bibliography.links import safe_entry_html, safe_href
from casebook.bibliography.richtext import decode_latex
from casebook.bibliography.scan import scan_entries
from casebook.bibliography.style import HouseStyle

__all__ = [
    "UNCITED",
    "Bibliography",
    "HouseStyle",
    "bibliography_markdown",
    "check_citations",
    "csl_items",
    "decode_latex",
    "format_entries",
    "load_bibliography",
    "parse_bibliography",
    "references_html",
    "references_markdown",
    "safe_entry_html",
    "safe_href",
    "scan_entries",
]
