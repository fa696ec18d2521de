"""Options of the ``casebook`` MkDocs plugin."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class CasebookConfig(base.Config):
    cases_dir = c.Type(str, default="cases")
    taxonomy_dir = c.Type(str, default="taxonomy")
    bibliography = c.Type(str, default="bibliography.bib")
    briefs_dir = c.Type(str, default="briefs")
    #: Build the Pagefind search index after each build (also under ``mkdocs serve``).
    search_index = c.Type(bool, default=True)
