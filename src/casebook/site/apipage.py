"""``/data/api/``: the page that documents the static API (``api.py``).

The addresses of the files, the record's fields (a table made from the published schema, so that the page and
the schema cannot disagree), the vocabularies' fields, examples with ``curl`` and Python, the licence and the
promise that version 1 only ever gains fields. Descriptions come from the packaged schemas and are escaped as
Markdown text like the codebook's; the example slug is a validated slug and the address the site's own
``site_url`` when it is a plain http(s) address.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from casebook.core.escape import markdown_text
from casebook.core.model import Case
from casebook.site.api import API_ROOT, api_schema, case_api_src
from casebook.site.datafiles import LICENCE, LICENCE_URL, field_type

#: Where the page lives.
API_PAGE = "data/api.md"
#: The address the examples use when the site has no ``site_url`` to show.
PLACEHOLDER_BASE = "https://example.org/casebook/"


def example_base(site_url: str) -> str:
    """``site_url`` with a final slash if it is a plain http(s) address, else :data:`PLACEHOLDER_BASE`."""
    try:
        parts = urlsplit(site_url)
    except ValueError:
        return PLACEHOLDER_BASE
    plain = all(ch.isprintable() and not ch.isspace() and ch not in "`'\"\\<>" for ch in site_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or not plain:
        return PLACEHOLDER_BASE
    return site_url if site_url.endswith("/") else site_url + "/"


def field_lines(properties: dict[str, Any], required: Iterable[str], prefix: str = "") -> list[str]:
    """One Markdown list item per field (``parent.child`` for the fields of a mapping or of a list's mappings):
    name, type, whether it is always there, description. A list, not a table: on a phone it wraps instead of
    scrolling sideways."""
    lines = []
    needed = set(required)
    for name, prop in properties.items():
        description = markdown_text(str(prop.get("description", "")))
        always = "always present" if name in needed else "optional"
        lines.append(f"- `{prefix}{name}` ({field_type(prop)}; {always}): {description}")
        inner = prop.get("items", {}) if prop.get("type") == "array" else prop
        children = inner.get("properties")
        if children and name != "cited_references":
            lines += field_lines(children, inner.get("required", []), f"{prefix}{name}.")
    return lines


def _example_slug(cases: list[Case]) -> str:
    with_lessons = [c.slug for c in cases if c.lessons]
    return (with_lessons or [c.slug for c in cases] or ["SLUG"])[0]


def api_page(cases: Iterable[Case], *, site_url: str, bibliography: bool = True) -> str:
    """The Markdown of ``/data/api/`` for the published ``cases`` (``bibliography``: ``/data/`` has the .bib)."""
    published = sorted((c for c in cases if not c.is_draft), key=lambda c: c.slug)
    base = example_base(site_url)
    slug = _example_slug(published)
    one = case_api_src(slug)
    case_schema = api_schema("case")
    term = api_schema("mechanisms")["items"]
    country = api_schema("countries")["items"]
    csl = case_schema["properties"]["cited_references"]["items"]
    example = f"[`{one}`](../{one})" if published else f"`{one}`"
    lines = [
        "# API",
        "",
        "The catalogue's data as plain JSON files, for code: no key to ask for, no account, nothing to run. Each "
        "file is written again with the site on every build, from the same validated sources as the other "
        "[data files](index.md), and is byte-for-byte the same until the content changes. Only published cases "
        "appear; drafts never do.",
        "",
        "## Files",
        "",
        "Every address is relative to the site's address" + (f", `{base}`" if base != PLACEHOLDER_BASE else "")
        + ". Each file has a JSON Schema (draft 2020-12) that describes every field.",
        "",
        "| Address | What it holds | Schema |",
        "|---|---|---|",
        f"| [`{API_ROOT}/cases.json`](../{API_ROOT}/cases.json) | A list of every published case's record "
        f"({len(published)} now), sorted by slug. | [cases.schema.json](../{API_ROOT}/schema/cases.schema.json) |",
        f"| `{API_ROOT}/cases/<slug>.json`, e.g. {example} | One case: its record, and the works it cites as "
        f"CSL-JSON (`cited_references`). | [case.schema.json](../{API_ROOT}/schema/case.schema.json) |",
        f"| [`{API_ROOT}/countries.json`](../{API_ROOT}/countries.json) | Every country with a published case, by "
        "ISO code: its name, UN M49 region, number of cases, page and cases. | "
        f"[countries.schema.json](../{API_ROOT}/schema/countries.schema.json) |",
        f"| [`{API_ROOT}/mechanisms.json`](../{API_ROOT}/mechanisms.json) | Every coordination mechanism of the "
        "vocabulary, in its order: label, definition, number of cases, page and cases. | "
        f"[mechanisms.schema.json](../{API_ROOT}/schema/mechanisms.schema.json) |",
        f"| [`{API_ROOT}/policy-areas.json`](../{API_ROOT}/policy-areas.json) | Every policy area of the "
        "vocabulary, the same way. | "
        f"[policy-areas.schema.json](../{API_ROOT}/schema/policy-areas.schema.json) |",
        "",
        "## The record",
        "",
        "Each case in `cases.json`, and each `cases/<slug>.json`, is a JSON object with the fields of "
        "[cases.json](cases.json) in `/data/` (`slug`, `url` and every front-matter field under its own name, as "
        "the [codebook](codebook.md) describes them) and `api_url`. A field a case leaves out (`lessons`, "
        "`period.end`...) is absent, never `null`. `url` and `api_url` are relative to the site's address. "
        "`cases/<slug>.json` adds `cited_references`.",
        "",
        *field_lines(case_schema["properties"], case_schema["required"]),
        "",
        "### Cited references",
        "",
        "`cited_references` lists every work the case cites, in its text or under `references`, in the order of "
        "the [bibliography](../bibliography.md), as [CSL-JSON](https://github.com/citation-style-language/schema) "
        "items: the citation data that Zotero, Pandoc and other citation processors "
        "read. Each item is made from the work's entry in "
        + ("[bibliography.bib](bibliography.bib)" if bibliography else "`bibliography.bib`")
        + ", its TeX decoded "
        "to plain text. Values are text, not markup: escape them wherever you show them.",
        "",
        *field_lines(csl["properties"], csl["required"]),
        "",
        "## Vocabularies",
        "",
        "`mechanisms.json` and `policy-areas.json` list each term of the vocabulary, those no case uses yet "
        "included (with a `count` of 0):",
        "",
        *field_lines(term["properties"], term["required"]),
        "",
        "`countries.json` lists each country that has a published case:",
        "",
        *field_lines(country["properties"], country["required"]),
        "",
        "## Examples",
        "",
        "With `curl` (the files are compact JSON; `python3 -m json.tool` indents them for reading):",
        "",
        "```",
        f"curl -s {base}{API_ROOT}/cases.json",
        f"curl -s {base}{API_ROOT}/mechanisms.json | python3 -m json.tool",
        f"curl -s {base}{one}",
        f"curl -s -O {base}{API_ROOT}/schema/case.schema.json",
        "```",
        "",
        "With Python, from the standard library alone:",
        "",
        "```",
        "import json",
        "from urllib.request import urlopen",
        "",
        f'BASE = "{base}"',
        "",
        "def get(path):",
        "    with urlopen(BASE + path) as response:",
        "        return json.load(response)",
        "",
        "# Every case that uses one-stop shops, with the address of its page.",
        f'for case in get("{API_ROOT}/cases.json"):',
        '    if "one-stop-shop" in case["mechanisms"]:',
        '        print(case["title"], BASE + case["url"])',
        "",
        "# The mechanisms, with how many cases use each.",
        f'for term in get("{API_ROOT}/mechanisms.json"):',
        '    print(term["count"], term["label"])',
        "",
        "# One case: its lessons and the works it cites.",
        f'case = get("{one}")',
        'for lesson in case.get("lessons", []):',
        '    print("-", lesson)',
        'for work in case["cited_references"]:',
        '    print(work["id"], work.get("title", ""))',
        "```",
        "",
        "To check a file against its schema, with the `jsonschema` package:",
        "",
        "```",
        "import jsonschema",
        "",
        f'jsonschema.validate(get("{API_ROOT}/cases.json"), get("{API_ROOT}/schema/cases.schema.json"))',
        "```",
        "",
        "## Version 1 only grows",
        "",
        f"Everything under `/{API_ROOT}/` keeps its address and its fields: fields may be added, to the records "
        "and to the vocabularies, but no field is ever renamed or removed, and none changes its meaning or its "
        "type. A change that would break a reader would be published as a new version beside this one. The "
        "schemas list every field the files have and allow others, so a schema saved today still accepts the "
        "files of a later version 1: read the fields you know and ignore the others. Terms may be added to the "
        "vocabularies, as cases may be added to the catalogue.",
        "",
        "## Licence",
        "",
        f"The data are licensed under [{LICENCE}]({LICENCE_URL}), like the cases and the other [data files]"
        "(index.md): you may share and adapt them for any purpose if you credit the catalogue and the case "
        "authors (each record's `authors`) and link to the licence. The entries in `cited_references` describe "
        "other people's works; the works themselves are not under this licence.",
        "",
        "A copy of the repository gives the same files: `casebook export --out DIR` writes them into "
        f"`DIR/site-src/docs/{API_ROOT}/`.",
        "",
    ]
    return "\n".join(lines)
