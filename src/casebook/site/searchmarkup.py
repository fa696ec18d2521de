"""What each page tells the Pagefind indexer: filters and metadata from validated front-matter only.

Pagefind reads the built HTML: it indexes only elements marked ``data-pagefind-body`` (the article
of content pages; the explorer and generated listings are left out) and takes filters from
``data-pagefind-filter``. The plugin puts this markup on each page from the validated catalogue, never
from the page itself; running the indexer is the adapter's (``casebook.adapter.pagefind``).
"""

from __future__ import annotations

from casebook.core.escape import html_attr
from casebook.core.model import Case
from casebook.core.taxonomy import Taxonomy, country_name, term_label
from casebook.site.explore import TYPE_LABELS


def _filter(name: str, value: str) -> str:
    # Pagefind reads "name:value" from the attribute; the element itself stays empty and hidden.
    return f'<span data-pagefind-filter="{html_attr(name)}:{html_attr(value)}" hidden></span>'


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
        parts.append(_filter("mechanism", term_label(taxonomy.mechanisms, key)))
    for key in sorted(case.policy_areas):
        parts.append(_filter("policy area", term_label(taxonomy.policy_areas, key)))
    return "".join(parts)
