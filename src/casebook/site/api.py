"""The static API under ``/api/v1/``: the published cases and the vocabularies as plain JSON files.

No key and no server: the files are written with the site, from the same validated catalogue as ``/data/``.

- ``cases.json``: every published case's record (:func:`api_record`): the fields of ``/data/cases.json``
  (``slug``, ``url`` and every front-matter field under its own name) and ``api_url``;
- ``cases/<slug>.json``: one case's record and the works it cites as CSL-JSON (``cited_references``);
- ``countries.json``, ``mechanisms.json``, ``policy-areas.json``: the vocabularies, each term with the number of
  published cases that use it, its page and the cases;
- ``schema/<name>.schema.json``: the JSON Schema of each file.

Drafts never appear, whatever the build (``mkdocs serve`` shows drafts as pages, never in these files). URLs are
relative to the site's address and follow ``use_directory_urls``. Output is byte-identical from build to build:
arrays in a fixed order (slug, code, or the vocabulary's own order), keys sorted (:func:`api_json`).

Version 1 only ever gains fields. The schemas in ``src/casebook/schema/api-v1-*.schema.json`` say so: they list
every field the files have but do not forbid others, so that a copy of a schema taken today still accepts the
files of a later v1. Their front-matter fields are ``$ref`` pointers into the case schema; :func:`api_schema`
publishes each one self-contained, every reference replaced by what it points to.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urljoin

from casebook.bibliography import csl_items
from casebook.catalogue import Catalogue
from casebook.core.escape import json_in_html
from casebook.core.model import Case
from casebook.core.regions import region_of
from casebook.core.taxonomy import Term, country_name
from casebook.core.validate import load_schema
from casebook.site.datafiles import case_record, schema_file
from casebook.site.urls import case_src, country_src, mechanism_src, page_url, policy_area_src

#: Where the API's files are, relative to the site root.
API_ROOT = "api/v1"
#: The published schemas (``api/v1/schema/<name>.schema.json``) and the packaged files they come from.
SCHEMAS = {
    "cases": "api-v1-cases",
    "case": "api-v1-case",
    "countries": "api-v1-countries",
    "mechanisms": "api-v1-mechanisms",
    "policy-areas": "api-v1-policy-areas",
}
#: Each file of the API (``{slug}`` for one per case) and its schema.
FILES = {
    "cases.json": "cases",
    "cases/{slug}.json": "case",
    "countries.json": "countries",
    "mechanisms.json": "mechanisms",
    "policy-areas.json": "policy-areas",
}


def api_json(value: Any) -> str:
    """``value`` as an API file: compact JSON (no indents: Python's fast encoder, a third of the bytes), keys
    sorted, ``< > &`` and the JavaScript line separators as ``\\u`` escapes, a final line break."""
    return json_in_html(json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))) + "\n"


def api_src(name: str) -> str:
    """The site-relative path of the API file ``name`` (``cases.json``, ``schema/case.schema.json``...)."""
    return f"{API_ROOT}/{name}"


def case_api_src(slug: str) -> str:
    return api_src(f"cases/{slug}.json")


def schema_src(name: str) -> str:
    return api_src(f"schema/{name}.schema.json")


def api_record(case: Case, *, directory_urls: bool = True) -> dict[str, Any]:
    """A case as the API gives it: its ``/data/cases.json`` record, ``url`` as the site builds it, and ``api_url``."""
    record = case_record(case)
    record["url"] = page_url(case_src(case.slug), directory_urls=directory_urls)
    record["api_url"] = case_api_src(case.slug)
    return record


def cited_keys(catalogue: Catalogue, case: Case) -> list[str]:
    """The keys of the entries ``case`` cites (in its text or under ``references``), in bibliography order;
    keys the bibliography lacks or refuses (E306) are left out, as on the case's page."""
    bib = catalogue.bibliography
    if bib is None or bib.data is None:
        return []
    formatted = bib.formatted()
    keys = {c.key for c in catalogue.citations.get(case.path, [])} & formatted.keys()
    return sorted(keys, key=lambda key: formatted[key].sort_key)


def cited_works(catalogue: Catalogue, cases: Iterable[Case]) -> dict[str, dict[str, Any]]:
    """Every entry that one of ``cases`` cites, as a CSL-JSON item, by key: each made once, however many cite it."""
    bib = catalogue.bibliography
    if bib is None or bib.data is None:
        return {}
    keys = sorted({key for case in cases for key in cited_keys(catalogue, case)})
    return {item["id"]: item for item in csl_items(keys, bib.data)}


def api_case(
    catalogue: Catalogue, case: Case, *, directory_urls: bool = True, works: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """``cases/<slug>.json``: the case's record and ``cited_references``, the works it cites as CSL-JSON
    (taken from ``works``, :func:`cited_works` of the cases, when given)."""
    record = api_record(case, directory_urls=directory_urls)
    if works is None:
        works = cited_works(catalogue, [case])
    record["cited_references"] = [works[key] for key in cited_keys(catalogue, case) if key in works]
    return record


def case_link(case: Case, *, directory_urls: bool = True) -> dict[str, str]:
    return {
        "slug": case.slug,
        "title": case.title,
        "url": page_url(case_src(case.slug), directory_urls=directory_urls),
        "api_url": case_api_src(case.slug),
    }


def _published(cases: Iterable[Case]) -> list[Case]:
    return sorted((c for c in cases if not c.is_draft), key=lambda c: c.slug)


def _index(cases: list[Case], field: str) -> dict[str, list[Case]]:
    """The cases (in the order given) that list each value of ``field``: one pass, so the cost grows linearly."""
    index: dict[str, list[Case]] = {}
    for case in cases:
        for value in dict.fromkeys(getattr(case, field)):
            index.setdefault(value, []).append(case)
    return index


def countries_data(cases: Iterable[Case], *, directory_urls: bool = True) -> list[dict[str, Any]]:
    """Every country with a published case, by code: name, M49 region, count, page and cases."""
    by_code = _index(_published(cases), "countries")
    entries = []
    for code in sorted(by_code):
        about = by_code[code]
        region = region_of(code)
        entries.append({
            "id": code,
            "label": country_name(code),
            "region": region.region,
            "sub_region": region.sub_region,
            "count": len(about),
            "url": page_url(country_src(code), directory_urls=directory_urls),
            "cases": [case_link(case, directory_urls=directory_urls) for case in about],
        })
    return entries


def terms_data(
    terms: Iterable[Term], field: str, cases: Iterable[Case], src: Callable[[str], str], *, directory_urls: bool = True
) -> list[dict[str, Any]]:
    """Every term of a vocabulary, in its order: label, definition, count, page (``src(id)``) and cases."""
    by_term = _index(_published(cases), field)
    entries = []
    for term in terms:
        using = by_term.get(term.id, [])
        entries.append({
            "id": term.id,
            "label": term.label,
            "definition": term.definition,
            "count": len(using),
            "url": page_url(src(term.id), directory_urls=directory_urls),
            "cases": [case_link(case, directory_urls=directory_urls) for case in using],
        })
    return entries


# --- The schemas, published self-contained ---

def _documents() -> dict[str, dict[str, Any]]:
    """The packaged schemas an API schema may point into, by ``$id``."""
    return {load_schema(name)["$id"]: load_schema(name) for name in ("case", *SCHEMAS.values())}


def _target(ref: str, base: str, documents: dict[str, dict[str, Any]]) -> tuple[Any, str]:
    uri, _, fragment = urljoin(base, ref).partition("#")
    node: Any = documents[uri]
    for part in fragment.split("/")[1:]:
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node, uri


def _inline(node: Any, base: str, documents: dict[str, dict[str, Any]]) -> Any:
    """``node`` with each ``$ref`` replaced by its target, the ``$ref``'s siblings added to it (their
    ``properties`` and ``required`` joined to the target's), and no ``additionalProperties: false``."""
    if isinstance(node, list):
        return [_inline(item, base, documents) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    if "$ref" in node:
        target, uri = _target(node["$ref"], base, documents)
        out = _inline(target, uri, documents)
    for key, value in node.items():
        if key == "$ref" or (key == "additionalProperties" and value is False):
            continue
        value = _inline(value, base, documents)
        if key == "properties" and key in out:
            out[key] = {**out[key], **value}
        elif key == "required" and key in out:
            out[key] = list(dict.fromkeys([*out[key], *value]))
        else:
            out[key] = value
    return out


def api_schema(name: str) -> dict[str, Any]:
    """The published JSON Schema ``name`` (a key of :data:`SCHEMAS`): no reference left, no ``$defs``."""
    documents = _documents()
    schema = load_schema(SCHEMAS[name])
    result: dict[str, Any] = _inline({k: v for k, v in schema.items() if k != "$defs"}, schema["$id"], documents)
    return result


def api_files(catalogue: Catalogue, *, directory_urls: bool = True, site_url: str = "") -> dict[str, str]:
    """Site-relative path -> content of every file of the API, schemas included (``$id``: their address under
    ``site_url``, none without it)."""
    cases = _published(catalogue.cases)
    taxonomy = catalogue.taxonomy
    files = {api_src("cases.json"): api_json([api_record(c, directory_urls=directory_urls) for c in cases])}
    works = cited_works(catalogue, cases)
    for case in cases:
        files[case_api_src(case.slug)] = api_json(
            api_case(catalogue, case, directory_urls=directory_urls, works=works))
    files[api_src("countries.json")] = api_json(countries_data(cases, directory_urls=directory_urls))
    files[api_src("mechanisms.json")] = api_json(
        terms_data(taxonomy.mechanisms.values(), "mechanisms", cases, mechanism_src, directory_urls=directory_urls))
    files[api_src("policy-areas.json")] = api_json(
        terms_data(taxonomy.policy_areas.values(), "policy_areas", cases, policy_area_src,
                   directory_urls=directory_urls))
    for name in SCHEMAS:
        files[schema_src(name)] = schema_file(api_schema(name), schema_src(name), site_url)  # indented, for people
    return files
