"""Site search with Pagefind: what each page tells the indexer, and running the indexer after a build.

Pagefind reads the built HTML: it indexes only elements marked ``data-pagefind-body`` (the article
of content pages; the explorer and generated listings are left out), takes filters from
``data-pagefind-filter`` and splits its index into chunks so a query fetches only what it needs.
"""

from __future__ import annotations

import subprocess
import sys
from html import escape
from pathlib import Path

from .explore import TYPE_LABELS
from .model import Case
from .pagefind_bundle import normalise
from .problems import Problem, error
from .taxonomy import Taxonomy, country_name

#: Where the bundle goes inside the site; search.js and explore.js load ``pagefind/pagefind.js`` from it.
BUNDLE = "pagefind"

#: Generated parts of indexed pages that search does not need: the header card's links (the
#: countries, mechanisms and policy areas, which are filters already) and criteria badges, related
#: cases and other listings, references lists and "cite this case". Titles, summaries, the card's
#: other text (organisations, authors, period) and the body stay indexed. At 1,000 synthetic cases
#: this takes Pagefind from about 15.5 s and 1,050 MB to 11.5 s and 680 MB.
EXCLUDE_SELECTORS = (".cb-card > dd > a", ".cb-criteria", ".cb-list", ".cb-references", ".cb-cite-case")


def _filter(name: str, value: str) -> str:
    # Pagefind reads "name:value" from the attribute; the element itself stays empty and hidden.
    return f'<span data-pagefind-filter="{escape(name, quote=True)}:{escape(value, quote=True)}" hidden></span>'


def page_markup(kind: str) -> str:
    return _filter("kind", kind)


def case_markup(case: Case, taxonomy: Taxonomy) -> str:
    """Hidden filter elements for a case page, from its validated front-matter (escaped for attributes).

    ``slug`` lets the explorer turn a full-text query into a set of cases without loading any result.
    """
    parts = [_filter("kind", "case"), _filter("slug", case.slug)]
    parts.append(_filter("type", TYPE_LABELS.get(case.type, case.type)))
    parts += [_filter("country", country_name(c)) for c in sorted(case.countries)]
    for key in sorted(case.mechanisms):
        term = taxonomy.mechanisms.get(key)
        parts.append(_filter("mechanism", term.label if term else key))
    for key in sorted(case.policy_areas):
        term = taxonomy.policy_areas.get(key)
        parts.append(_filter("policy area", term.label if term else key))
    return "".join(parts)


def run_pagefind(site_dir: Path) -> list[Problem]:
    """Index ``site_dir`` in place (bundle in ``site_dir/pagefind``); problems if the indexer fails.

    Pagefind runs once every page is written. Feeding it each page as MkDocs writes it (Pagefind's
    Python API, ``pagefind --service``, from ``on_post_page``) was measured at 1,000 synthetic cases
    and is not faster: MkDocs writes pages only in the last few seconds of a build (it renders every
    page's Markdown first), the service indexes one page at a time where the command line uses every
    core, and page writing slows down while the service runs. Alone, on two shared cores, the
    command line indexed that site in 16-20 s and the service in 27-30 s (and 5 s more Python CPU).
    """
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", BUNDLE, "--quiet"]
    for selector in EXCLUDE_SELECTORS:
        command += ["--exclude-selectors", selector]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [error("pagefind", 1, "E401", f"search index not built: {exc}")]
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        reason = detail[-1] if detail else f"exit status {result.returncode}"
        hint = " (install the pinned 'pagefind[extended]' package)" if "No module named" in reason else ""
        return [error("pagefind", 1, "E401", f"search index not built: {reason}{hint}")]
    try:
        normalise(site_dir / BUNDLE)
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        return [error("pagefind", 1, "E402", f"search index written but not made reproducible: {exc}")]
    return []
