"""The published data files: ``cases.json``, ``cases.csv``, the schema and the codebook.

Pure functions of the catalogue, shared by the MkDocs plugin (``/data/``) and ``casebook export``.
Output is byte-identical across runs: keys sorted, rows sorted by slug, ``\\n`` line endings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casebook.core.escape import csv_cell, json_in_html, markdown_text
from casebook.core.model import Case, organisation_name
from casebook.core.taxonomy import Taxonomy, Term, country_name
from casebook.core.validate import published_schema

if TYPE_CHECKING:
    from casebook.bibliography import Bibliography

#: List values in ``cases.csv`` are joined with this separator.
JOIN = "; "

#: Files of ``/data/`` and ``casebook export``, in the order the data page lists them.
FILES = ("cases.json", "cases.csv", "bibliography.bib", "case.schema.json", "LICENSE.txt")

LICENCE = "CC BY 4.0"
LICENCE_NAME = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
#: The licence statement of the Atom feed's ``<rights>``.
RIGHTS = f"Content licensed under {LICENCE}: {LICENCE_URL}"



def case_record(case: Case) -> dict[str, Any]:
    """One case as data: ``slug``, site-relative ``url`` and every front-matter field under its own name."""
    record: dict[str, Any] = {"slug": case.slug, "url": case.url}
    for key, value in case.meta.items():
        record[key] = value
    return record


def json_file(value: Any) -> str:
    """``value`` as a published JSON file: keys sorted, two-space indents, ``< > &`` as ``\\u`` escapes
    (:func:`casebook.core.escape.json_in_html`), a final line break."""
    return json_in_html(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)) + "\n"


def schema_file(schema: dict[str, Any], path: str, site_url: str) -> str:
    """A JSON Schema published at ``path`` (site-relative): its ``$id`` is its address on this site, or it has none
    when ``site_url`` is unset (a wrong absolute ``$id`` is worse than none)."""
    published = {key: value for key, value in schema.items() if key != "$id"}
    if site_url:
        published["$id"] = site_url.rstrip("/") + "/" + path
    return json_file(published)


def cases_json(cases: Iterable[Case]) -> str:
    """A JSON array, one object per published case, sorted by slug."""
    return json_file([case_record(c) for c in sorted(cases, key=lambda c: c.slug) if not c.is_draft])


def csv_columns(schema: dict[str, Any]) -> list[str]:
    """``slug``, ``url``, then each front-matter field in schema order; mappings flattened as ``parent.child``."""
    columns = ["slug", "url"]
    for key, prop in schema["properties"].items():
        if prop.get("type") == "object" and "properties" in prop:
            columns += [f"{key}.{child}" for child in prop["properties"]]
        else:
            columns.append(key)
    return columns


def _cell(value: Any, key: str) -> str:
    if value is None:
        return ""
    if key == "organisations":
        text = JOIN.join(organisation_name(o) for o in value)
    elif isinstance(value, list):
        text = JOIN.join(str(v) for v in value)
    else:
        text = str(value)
    return csv_cell(text)


def csv_row(case: Case, columns: list[str]) -> list[str]:
    record = case_record(case)
    row = []
    for column in columns:
        parent, _, child = column.partition(".")
        value = record.get(parent)
        if child:
            value = value.get(child) if isinstance(value, dict) else None
        row.append(_cell(value, parent))
    return row


def cases_csv(cases: Iterable[Case], schema: dict[str, Any]) -> str:
    """One row per published case with the columns of :func:`csv_columns` (RFC 4180 quoting, ``\\n`` line ends).

    A cell that would start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return starts with ``'`` instead,
    and so does every part of a cell that a spreadsheet splitting on ``;``, ``,``, a tab, a space or ``|`` would read
    as a cell (:func:`casebook.core.escape.csv_cell`).
    """
    header, rows = csv_lines((c for c in cases if not c.is_draft), schema)
    return header + "".join(rows.values())


def csv_lines(cases: Iterable[Case], schema: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """``cases.csv`` in pieces: its header line, and each of ``cases``' lines by slug, in slug order.

    "Cite this selection" (``site/selection.py``) joins the header and some of the lines, so a selection's CSV
    has exactly the lines ``cases.csv`` has for those cases.
    """
    columns = csv_columns(schema)
    rows = {
        case.slug: csv_line(csv_row(case, columns))
        for case in sorted(cases, key=lambda c: c.slug)
    }
    return csv_line(columns), rows


def csv_line(cells: list[str]) -> str:
    """One CSV record: a cell with a comma, a quote or a line break (``\\r`` too, which Python's ``csv`` module
    leaves bare when records end with ``\\n``) is quoted, its quotes doubled."""
    quoted = ['"' + c.replace('"', '""') + '"' if any(ch in c for ch in ',"\r\n') else c for c in cells]
    return ",".join(quoted) + "\n"


def licence_text(names: Iterable[str]) -> str:
    """``LICENSE.txt``, beside the data files: their licence, and what each file is."""
    described = {
        "cases.json": "the published cases, one JSON object each",
        "cases.csv": "the same cases as a table, one row each",
        "bibliography.bib": "the sources the cases and briefs cite, in BibTeX (TeX input: see below)",
        "case.schema.json": "the JSON Schema of a case's front-matter",
    }
    lines = [
        "Casebook data files",
        "",
        f"These files are licensed under the {LICENCE_NAME} licence:",
        LICENCE_URL,
        "",
        "You may share and adapt them for any purpose if you credit the catalogue and the case",
        "authors, link to the licence and say whether you changed them. The software that builds",
        "the catalogue is under the MIT licence.",
        "",
        "Files:",
    ]
    lines += [f"- {name}: {described[name]}" for name in FILES if name in described and name in set(names)]
    lines += [
        "",
        "cases.csv: a cell that would start with =, +, -, @, a tab or a carriage return starts with",
        "a single quote (') instead, and so does any =, +, - or @ that follows a comma, a semicolon,",
        "a tab, a space, a | or a line break (after spaces or quotes), so that no spreadsheet runs a formula from it,",
        "whichever list separator it splits the file on; cases.json has the values unchanged.",
        "",
    ]
    if "bibliography.bib" in set(names):
        lines += [
            "bibliography.bib: a .bib file is TeX input, and TeX runs what it holds when a document",
            "citing it is compiled. This one is written again from the parsed entries: it has no",
            "@preamble and no @string, and its fields hold no TeX commands beyond accents, \\url,",
            "emphasis, text symbols and escaped special characters.",
            "",
        ]
    return "\n".join(lines)


def data_files(
    cases: Iterable[Case], taxonomy: Taxonomy, bibliography: Bibliography | None, *, site_url: str = ""
) -> dict[str, str]:
    """File name -> content of every data file (``bibliography.bib`` only when there is one that could be read).

    ``site_url`` gives the schema its ``$id`` (``data/case.schema.json`` on the site).

    ``bibliography.bib`` is :meth:`Bibliography.published`, never the contributors' file as it is.
    """
    cases = list(cases)
    schema = published_schema(taxonomy)
    files = {
        "cases.json": cases_json(cases),
        "cases.csv": cases_csv(cases, schema),
        "case.schema.json": schema_file(schema, "data/case.schema.json", site_url),
    }
    bib = bibliography.published() if bibliography is not None else None
    files["LICENSE.txt"] = licence_text([*files, *(["bibliography.bib"] if bib is not None else [])])
    if bib is not None:
        files["bibliography.bib"] = bib
    return {name: files[name] for name in FILES if name in files}


def write_export(out: Path, files: dict[str, str]) -> list[Path]:
    """Write ``files`` into ``out`` (created if needed); returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files.items():
        path = out / name
        path.write_bytes(content.encode("utf-8"))
        written.append(path)
    return written


# --- Pages: /data/ and /data/codebook/ (Markdown with escaped values) ---

def data_page(count: int, files: Iterable[str]) -> str:
    """The Markdown of ``/data/``."""
    names = set(files)
    rows = {
        "cases.json": f"A JSON array with one object per published case ({count} now): `slug`, `url` (relative to "
        "the site) and every front-matter field under its own name, as the [codebook](codebook.md) describes.",
        "cases.csv": "The same cases as a table, one row per case, UTF-8 with a header row. List values are joined "
        "with `; `; the fields of `period` and `coordination` get one column each (`period.start`, `period.end`, "
        "`coordination.direction`, ...); `organisations` are written `name (acronym)` (the name alone when it is "
        "its own acronym) and joined with `; ` (their roles are in `cases.json`). Empty cells are fields a case "
        "leaves out. A cell that would start with `=`, `+`, `-`, `@`, a tab or a carriage return starts with a "
        "single quote (`'`) instead, and so does any `=`, `+`, `-` or `@` after a comma, a semicolon, a tab, a "
        "space, a `|` or a line break (and any spaces or quotes), so that no spreadsheet runs a formula from it "
        "whichever list separator it uses; `cases.json` has the values unchanged.",
        "bibliography.bib": "The sources the cases and briefs cite, in BibTeX. **A `.bib` file is TeX input**: "
        "whoever compiles a document that cites it runs the TeX it holds, so treat a `.bib` from anywhere as "
        "code. This one is written again from the parsed entries: no `@preamble`, no `@string`, and no TeX "
        "commands in its fields beyond accents (`\\'{e}`, `\\c{c}`), `\\url`, `\\emph`, `\\textit`, `\\textbf`, "
        "text symbols and escaped special characters (`\\&`, `\\%`, `\\_`...).",
        "case.schema.json": "The JSON Schema every case's front-matter is validated against, with the vocabularies "
        "(country codes, policy areas, mechanisms) filled in.",
        "LICENSE.txt": f"The licence of these files ({LICENCE}) and what each one holds, to keep beside them.",
    }
    lines = [
        "# Data",
        "",
        "Everything the catalogue publishes about its cases can be downloaded and reused. "
        "The files are regenerated on every build of the site from the same validated sources.",
        "",
        "| File | What it holds |",
        "|---|---|",
    ]
    for name in FILES:
        if name in names:
            lines.append(f"| [{name}]({name}) | {rows[name]} |")
    lines += [
        "",
        "The [codebook](codebook.md) describes every field. Only published cases are included; drafts never are.",
        "",
        "The same cases are served case by case, with the works each one cites as CSL-JSON, beside the countries, "
        "mechanisms and policy areas with their cases, as a static [API](api.md) under `/api/v1/`: plain JSON "
        "files, with no key to ask for and nothing to install.",
        "",
        "## Licence",
        "",
        f"The case studies, briefs and these data files are licensed under [{LICENCE}]({LICENCE_URL}): you may "
        "share and adapt them for any purpose if you credit the catalogue and the case authors and link to the "
        "licence. The software that builds the site is under the MIT licence.",
        "",
        "The same files can be produced from a copy of the repository with `casebook export --out DIR`.",
        "",
    ]
    return "\n".join(lines)


def field_type(prop: dict[str, Any]) -> str:
    """What a schema property holds, in words for a table ("list of texts", "one of: `a`, `b`")."""
    if "const" in prop:
        return f"always `{prop['const']}`"
    if "enum" in prop:
        return "one of: " + ", ".join(f"`{v}`" for v in prop["enum"])
    kind = prop.get("type", "")
    if kind == "array":
        items = prop.get("items", {})
        if "enum" in items and len(items["enum"]) <= 12:
            return "list of: " + ", ".join(f"`{v}`" for v in items["enum"])
        if "enum" in items:
            return f"list of codes ({len(items['enum'])} allowed values, see the schema)"
        return f"list of {items.get('type', 'values')}s" if items.get("type") != "object" else "list of mappings"
    return {"string": "text", "integer": "whole number", "object": "mapping"}.get(str(kind), str(kind))


def codebook_page(schema: dict[str, Any], taxonomy: Taxonomy) -> str:
    """The Markdown of ``/data/codebook/``: every field of the schema with its description."""
    required = set(schema.get("required", []))
    lines = [
        "# Codebook",
        "",
        markdown_text(schema.get("description", "")),
        "",
        "Each case in [cases.json](cases.json) and [cases.csv](cases.csv) has `slug` (the file name without `.md`, "
        "unique) and `url` (its page, relative to the site root), then the fields below. "
        "In the CSV, nested fields are columns named `parent.child`, list values are joined with `; `, and a "
        "cell that would start with `=`, `+`, `-`, `@`, a tab or a carriage return starts with a single quote "
        "(`'`), as does any `=`, `+`, `-` or `@` after a comma, a semicolon, a tab or a line break (and any spaces "
        "or quotes), so that no spreadsheet takes any part of a cell for a formula, whichever list separator it "
        f"splits on. The data are licensed under [{LICENCE}]({LICENCE_URL}).",
        "",
        "The [API](api.md) under `/api/v1/` serves the same records with one more field, `api_url` (the case's "
        "file in the API); that file adds `cited_references`, the works the case cites as CSL-JSON. The API page "
        "describes both.",
        "",
        "| Field | Type | Required | Description |",
        "|---|---|---|---|",
    ]

    def row(name: str, prop: dict[str, Any], req: bool) -> None:
        description = markdown_text(prop.get("description", ""))
        lines.append(f"| `{name}` | {field_type(prop)} | {'yes' if req else 'no'} | {description} |")

    for key, prop in schema["properties"].items():
        row(key, prop, key in required)
        children = prop.get("properties") or prop.get("items", {}).get("properties")
        if children:
            child_required = set(prop.get("required", []) or prop.get("items", {}).get("required", []))
            for child, cprop in children.items():
                row(f"{key}.{child}", cprop, child in child_required)
    lines += ["", "## Vocabularies", "", "### Mechanisms", ""]
    lines += [_term_line(t) for t in taxonomy.mechanisms.values()]
    lines += ["", "### Policy areas", ""]
    lines += [_term_line(t) for t in taxonomy.policy_areas.values()]
    lines += [
        "",
        "### Countries",
        "",
        "ISO 3166-1 alpha-2 codes, e.g. `MX` for " + markdown_text(country_name("MX")) + "; the full list is in "
        "[case.schema.json](case.schema.json).",
        "",
    ]
    return "\n".join(lines)


def _term_line(term: Term) -> str:
    return f"- `{term.id}`: **{markdown_text(term.label)}**. {markdown_text(term.definition)}"
