"""Options of the ``casebook`` MkDocs plugin."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class DiscussionConfig(base.Config):  # type: ignore[no-untyped-call]
    """Where readers discuss a case or brief; off unless ``provider`` is set (see ``community.py``)."""

    provider = c.Optional(c.Choice(("giscus", "link")))
    url = c.Optional(c.Type(str))
    repo = c.Optional(c.Type(str))
    repo_id = c.Optional(c.Type(str))
    category = c.Optional(c.Type(str))
    category_id = c.Optional(c.Type(str))
    mapping = c.Choice(("pathname", "url", "title", "og:title"), default="pathname")
    lang = c.Type(str, default="en")


class CasebookConfig(base.Config):  # type: ignore[no-untyped-call]
    cases_dir = c.Type(str, default="cases")
    taxonomy_dir = c.Type(str, default="taxonomy")
    bibliography = c.Type(str, default="bibliography.bib")
    briefs_dir = c.Type(str, default="briefs")
    #: Build the Pagefind search index after each build (also under ``mkdocs serve``).
    search_index = c.Type(bool, default=True)
    #: How the build reports bibliography entries nothing cites: "info" (default) or "warn" (fails --strict).
    uncited = c.Choice(("info", "warn"), default="info")
    discussion = c.SubConfig(DiscussionConfig)
    #: Processes that render pages beside MkDocs' own (see ``parallel.py``): unset for one per spare core
    #: on sites of 100 pages or more, 0 to render serially.
    workers = c.Optional(c.Type(int))
    #: Seconds one page may take to render before the build fails naming its file (``watchdog.py``); 0: no limit.
    page_timeout = c.Type((int, float), default=60)
