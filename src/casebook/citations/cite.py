"""How to cite a case: a formatted citation, BibTeX, Google Scholar ``citation_*`` tags and JSON-LD.

Everything here comes from front-matter, so every value is escaped for where it lands: HTML text,
HTML attributes (the template prints meta tags through Jinja's ``e`` filter), BibTeX, and JSON inside
``<script>`` (``<``, ``>``, ``&`` and line separators as ``\\uXXXX``, so no value can close the script
element).

The BibTeX must parse back to exactly the fields the site meant, in any reader's tool: BibTeX counts
``\\{`` and ``\\}`` as braces, so a title's braces are written as ``\\textbraceleft{}`` and
``\\textbraceright{}`` (``bibtex.tex_literal``) and no title can close its field, add fields, or open
a brace that swallows the reader's next entry. A name is braced whole when BibTeX would otherwise
split it (an ``and`` in it) or read it as "Last, First" (a comma in it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from casebook.bibliography.bibtex import tex_literal, url_text
from casebook.core.blockstash import identity
from casebook.core.escape import html_attr, html_text, json_in_html
from casebook.core.model import Case
from casebook.core.taxonomy import Taxonomy, country_name, term_label

SITE_NAME = "Casebook"


@dataclass
class CaseCitation:
    text_html: str  # the formatted citation, HTML
    bibtex: str  # raw BibTeX (escape it before putting it in HTML)
    meta: list[tuple[str, str]] = field(default_factory=list)  # (name, content) for <meta> tags
    jsonld: str = ""  # JSON, safe to put inside <script type="application/ld+json">


def _year(case: Case) -> str | None:
    return case.updated[:4] if case.updated else None


def is_organisation(name: str) -> bool:
    """'Casebook editors' is a group; 'Ana María López' is a person (for BibTeX and schema.org)."""
    words = name.split()
    return len(words) < 2 or any(w[:1].islower() and w not in ("de", "da", "do", "dos", "del", "van", "von", "der",
                                                                   "la", "le", "y", "e") for w in words)


def bibtex_name(name: str) -> str:
    """One author for a BibTeX name list: an organisation, or a name BibTeX would split or reorder, braced whole."""
    escaped = tex_literal(name)
    whole = is_organisation(name) or "," in name or any(word.lower() == "and" for word in name.split())
    return "{" + escaped + "}" if whole else escaped


def case_bibtex(case: Case, url: str | None, site_name: str = SITE_NAME) -> str:
    note = f"Case study ({case.type})" + (f", last updated {case.updated}" if case.updated else "")
    fields = [
        ("author", " and ".join(bibtex_name(a) for a in case.authors)),
        ("title", "{" + tex_literal(case.title) + "}"),
        ("howpublished", tex_literal(f"{site_name}: case studies of coordination practices in public management")),
        ("year", _year(case) or ""),
        ("url", url_text(url) if url else ""),
        ("note", tex_literal(note)),
    ]
    if url:
        fields.append(("urldate", tex_literal(case.updated or "")))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    key = re.sub(r"[^a-z0-9-]", "", case.slug)
    return f"@misc{{casebook-{key},\n{body}\n}}\n"


def _authors_text(authors: list[str]) -> str:
    if len(authors) <= 1:
        return "".join(authors)
    return ", ".join(authors[:-1]) + " and " + authors[-1]


def case_citation_html(case: Case, url: str | None, site_name: str = SITE_NAME) -> str:
    def period(text: str) -> str:
        return text if text.endswith(".") else text + "."

    parts = [period(html_text(_authors_text(case.authors))), period(html_text(_year(case) or "n.d.")),
             f"“{html_text(case.title)}.”", f"<em>{html_text(site_name)}</em>."]
    if url:
        parts.append(f'<a href="{html_attr(url)}">{html_text(url)}</a>.')
    return " ".join(parts)


def json_for_script(value: Any) -> str:
    """JSON that cannot end a ``<script>`` element or be read as HTML."""
    return json_in_html(json.dumps(value, ensure_ascii=False, sort_keys=True, indent=None, separators=(",", ":")))


def case_jsonld(case: Case, taxonomy: Taxonomy, url: str | None, site_name: str = SITE_NAME,
                references: list[str] | None = None) -> dict[str, Any]:
    about = [
        {"@type": "DefinedTerm", "name": term_label(taxonomy.mechanisms, m), "termCode": m,
         "inDefinedTermSet": "Coordination mechanisms"}
        for m in case.mechanisms
    ] + [
        {"@type": "DefinedTerm", "name": term_label(taxonomy.policy_areas, p), "termCode": p,
         "inDefinedTermSet": "Policy areas"}
        for p in case.policy_areas
    ]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": case.title,
        "name": case.title,
        "abstract": case.summary,
        "author": [
            {"@type": "Organization" if is_organisation(a) else "Person", "name": a} for a in case.authors
        ],
        "spatialCoverage": [
            {"@type": "Country", "name": country_name(c), "identifier": c} for c in case.countries
        ],
        "about": about,
        "temporalCoverage": f"{case.start}/{case.end if case.end is not None else '..'}",
        "genre": f"case study ({case.type})",
        "isPartOf": {"@type": "WebSite", "name": site_name},
        "inLanguage": "en",
    }
    if case.updated:
        data["dateModified"] = case.updated
    if url:
        data["url"] = url
        data["isPartOf"]["url"] = url.split("/cases/")[0] + "/"
    if references:
        data["citation"] = references
    return data


def case_meta_tags(case: Case, url: str | None, site_name: str = SITE_NAME) -> list[tuple[str, str]]:
    """Google Scholar's ``citation_*`` tags (highwire press), as (name, content) pairs."""
    tags = [("citation_title", case.title)]
    tags += [("citation_author", a) for a in case.authors]
    if case.updated:
        tags.append(("citation_publication_date", case.updated.replace("-", "/")))
        tags.append(("citation_online_date", case.updated.replace("-", "/")))
    tags.append(("citation_publisher", site_name))
    tags.append(("citation_language", "en"))
    tags.append(("citation_abstract", case.summary))
    tags += [("citation_keywords", country_name(c)) for c in case.countries]
    if url:
        tags.append(("citation_abstract_html_url", url))
    return tags


def cite_case(case: Case, taxonomy: Taxonomy, url: str | None, site_name: str = SITE_NAME,
              references: list[str] | None = None) -> CaseCitation:
    return CaseCitation(
        text_html=case_citation_html(case, url, site_name),
        bibtex=case_bibtex(case, url, site_name),
        meta=case_meta_tags(case, url, site_name),
        jsonld=json_for_script(case_jsonld(case, taxonomy, url, site_name, references)),
    )


def cite_markdown(citation: CaseCitation, *, block: Callable[[str], str] = identity) -> str:
    """The "Cite this case" section appended to a case page (heading plus an HTML block).

    ``block`` turns the HTML block into what the Markdown holds (see ``blockstash.py``).
    """
    return "\n\n## Cite this case\n\n" + block(
        '<div class="cb-cite-case">\n'
        f'<p class="cb-cite-text">{citation.text_html}</p>\n'
        '<details class="cb-cite-bibtex"><summary>BibTeX</summary>\n'
        f"<div class=\"highlight\"><pre><code>{html_text(citation.bibtex.rstrip())}</code></pre></div>\n"
        "</details>\n</div>\n"
    )
