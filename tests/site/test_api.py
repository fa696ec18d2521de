"""The static API (``/api/v1/``) as pure functions: every file against its published schema (a fixture site with
hostile text, the synthetic corpus, the real catalogue), drafts never, stable bytes, URLs both ways, the page."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from casebook.bibliography.csl import TYPES
from casebook.catalogue import Catalogue, Settings, load_catalogue
from casebook.core.validate import base_schema, published_schema
from casebook.site.api import FILES, SCHEMAS, api_files, api_schema, schema_src
from casebook.site.apipage import PLACEHOLDER_BASE, api_page, example_base
from casebook.site.assembly import SiteOptions, assemble
from casebook.site.datafiles import cases_json, codebook_page, data_files, data_page
from casebook.site.urls import page_url
from support import REPO, make_site
from support.corpus import make_corpus
from support.readers import API_BIB, API_HOSTILE, api_cases


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_site(tmp_path_factory.mktemp("api") / "site", api_cases())
    (root / "bibliography.bib").write_text(API_BIB, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def catalogue(site: Path) -> Catalogue:
    catalogue = load_catalogue(Settings(root=site))
    assert not catalogue.errors, catalogue.errors
    return catalogue


def strict(schema: Any) -> Any:
    """The schema with ``additionalProperties: false`` wherever it lists properties: a field the schema does not
    describe fails (the published schemas allow them, since v1 may gain fields)."""
    schema = copy.deepcopy(schema)

    def close(node: Any) -> None:
        if isinstance(node, dict):
            if "properties" in node:
                node["additionalProperties"] = False
            for key, value in node.items():
                for child in value.values() if key == "properties" else [value]:
                    close(child)
        elif isinstance(node, list):
            for item in node:
                close(item)

    close(schema)
    return schema


def schema_of(path: str) -> str:
    """The schema name of the API file ``path`` (``api/v1/...``)."""
    name = path.removeprefix("api/v1/")
    return FILES["cases/{slug}.json"] if name.startswith("cases/") else FILES[name]


def check_files(files: dict[str, str]) -> int:
    """Validate every API file of ``files`` against its published schema, made strict; the number checked."""
    published = {name: json.loads(files[schema_src(name)]) for name in SCHEMAS}
    for schema in published.values():
        jsonschema.Draft202012Validator.check_schema(schema)
    validators = {name: jsonschema.Draft202012Validator(strict(s)) for name, s in published.items()}
    checked = 0
    for path, content in files.items():
        if not path.startswith("api/v1/") or "/schema/" in path:
            continue
        validators[schema_of(path)].validate(json.loads(content))
        checked += 1
    return checked


def test_every_api_file_of_a_fixture_site_with_hostile_text_matches_its_schema(catalogue: Catalogue) -> None:
    files = api_files(catalogue)
    slugs = sorted(c.slug for c in catalogue.published)
    assert sorted(files) == sorted(
        ["api/v1/cases.json", "api/v1/countries.json", "api/v1/mechanisms.json", "api/v1/policy-areas.json"]
        + [f"api/v1/cases/{slug}.json" for slug in slugs]
        + [f"api/v1/schema/{name}.schema.json" for name in SCHEMAS]
    )
    assert check_files(files) == 4 + len(slugs)
    hostile = json.loads(files["api/v1/cases/is-hostile.json"])
    assert hostile["title"] == API_HOSTILE and hostile["lessons"] == [f"A lesson with {API_HOSTILE}"]
    # In the bibliography's order: by author, or by title when there is none ("A Page" before "Doe").
    assert [ref["id"] for ref in hostile["cited_references"]] == ["web2021", "doe2020"]
    assert hostile["cited_references"][1]["title"] == "A Book about </script>"
    assert "URL" not in hostile["cited_references"][0]  # a javascript: address never travels
    for content in files.values():
        assert not any(ch in content for ch in "<>&\u2028"), content[:200]  # JSON escapes, as /data/ writes it
    assert json.loads(files["api/v1/cases/mx-social-programme.json"])["cited_references"] == []


def test_every_api_file_of_the_synthetic_corpus_matches_its_schema(tmp_path: Path) -> None:
    corpus = load_catalogue(Settings(root=make_corpus.write_site(tmp_path / "corpus", 40, 150, seed=3)))
    assert not corpus.errors
    files = api_files(corpus)
    assert check_files(files) == 4 + 40
    cases = [json.loads(files[f"api/v1/cases/{c.slug}.json"]) for c in corpus.published]
    assert all(case["lessons"] for case in cases) and any(case["cited_references"] for case in cases)
    mechanisms = json.loads(files["api/v1/mechanisms.json"])
    assert [t["id"] for t in mechanisms] == list(corpus.taxonomy.mechanisms)
    assert sum(t["count"] for t in mechanisms) == sum(len(c.mechanisms) for c in corpus.published)


def test_every_api_file_of_the_real_catalogue_matches_its_schema() -> None:
    real = load_catalogue(Settings(root=REPO))
    files = api_files(real)
    assert check_files(files) == 4 + len(real.published)
    assert {json.loads(files["api/v1/cases.json"])[i]["slug"] for i in range(len(real.published))} == {
        c.slug for c in real.published}
    assert any(json.loads(files[f"api/v1/cases/{c.slug}.json"])["cited_references"] for c in real.published)


def test_a_file_with_a_field_its_schema_does_not_describe_or_a_draft_fails(catalogue: Catalogue) -> None:
    record = json.loads(api_files(catalogue)["api/v1/cases/mx-social-programme.json"])
    schema = api_schema("case")
    jsonschema.validate(record, strict(schema))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**record, "undocumented": 1}, strict(schema))
    jsonschema.validate({**record, "undocumented": 1}, schema)  # the published schema lets v1 grow
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**record, "status": "draft"}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({k: v for k, v in record.items() if k != "mechanisms"}, schema)


def test_drafts_never_appear_even_when_the_preview_shows_them(catalogue: Catalogue) -> None:
    options = SiteOptions(site_name="Casebook", include_drafts=True)
    served = assemble(catalogue, options, lambda src: False)
    assert "cases/li-api-draft.md" in {p.src_uri for p in served.pages}  # the preview has the draft's page
    api = {path: text for path, text in served.files.items() if path.startswith("api/")}
    assert api and api == api_files(catalogue)
    for text in api.values():
        for marker in ("li-api-draft", "Synthetic draft for the API", "Draft lesson text", '"LI"'):
            assert marker not in text, marker
    task_force = next(t for t in json.loads(api["api/v1/mechanisms.json"]) if t["id"] == "task-force")
    assert task_force["count"] == 0 and task_force["cases"] == []


def test_api_output_is_byte_identical_from_build_to_build(site: Path, catalogue: Catalogue) -> None:
    again = load_catalogue(Settings(root=site))
    reordered = dataclasses.replace(again, cases=list(reversed(again.cases)))
    assert api_files(catalogue) == api_files(reordered)
    assert list(api_files(catalogue)) == list(api_files(reordered))
    assert api_files(catalogue, directory_urls=False) == api_files(reordered, directory_urls=False)


def test_urls_follow_use_directory_urls_both_ways(catalogue: Catalogue) -> None:
    for directory_urls, case_url, term_url, country_url in (
        (True, "cases/de-one-stop-jobcentre/", "mechanisms/one-stop-shop/", "countries/de/"),
        (False, "cases/de-one-stop-jobcentre.html", "mechanisms/one-stop-shop.html", "countries/de.html"),
    ):
        files = api_files(catalogue, directory_urls=directory_urls)
        record = json.loads(files["api/v1/cases.json"])[0]
        assert (record["slug"], record["url"]) == ("de-one-stop-jobcentre", case_url)
        assert record["api_url"] == "api/v1/cases/de-one-stop-jobcentre.json" and record["api_url"] in files
        term = next(t for t in json.loads(files["api/v1/mechanisms.json"]) if t["id"] == "one-stop-shop")
        assert term["url"] == term_url and term["cases"][0]["url"] == case_url
        country = next(c for c in json.loads(files["api/v1/countries.json"]) if c["id"] == "DE")
        assert country["url"] == country_url and country["count"] == 1
        # Each URL is a page the site builds.
        pages = assemble(catalogue, SiteOptions(site_name="C", directory_urls=directory_urls), lambda s: False)
        built = {page_url(p.src_uri, directory_urls=directory_urls) for p in pages.pages}
        assert {case_url, term_url, country_url} <= built


def test_a_record_is_the_data_files_record_plus_api_url(catalogue: Catalogue) -> None:
    api = json.loads(api_files(catalogue)["api/v1/cases.json"])
    data = json.loads(cases_json(catalogue.cases))
    assert [{k: v for k, v in r.items() if k != "api_url"} for r in api] == data


def test_the_record_schema_lists_every_front_matter_field_and_requires_what_the_case_schema_does() -> None:
    front = base_schema()
    record = api_schema("case")
    assert set(front["properties"]) <= set(record["properties"])
    assert set(front["required"]) <= set(record["required"])
    for name in ("slug", "url", "api_url", "cited_references"):
        assert name in record["required"]
    items = api_schema("cases")["items"]
    assert set(items["properties"]) == set(record["properties"]) - {"cited_references"}


def test_published_schemas_are_self_contained_and_name_their_own_address() -> None:
    for name in SCHEMAS:
        schema = api_schema(name)
        text = json.dumps(schema)
        assert "$ref" not in text and "$defs" not in text and '"additionalProperties": false' not in text
        jsonschema.Draft202012Validator.check_schema(schema)
    assert set(api_schema("case")["properties"]["cited_references"]["items"]["properties"]["type"]["enum"]) == TYPES


def test_published_schemas_name_their_address_on_this_site_or_none(catalogue: Catalogue) -> None:
    for site_url in ("https://example.org/casebook/", "https://example.org/casebook"):
        files = api_files(catalogue, site_url=site_url)
        for name in SCHEMAS:
            schema = json.loads(files[f"api/v1/schema/{name}.schema.json"])
            assert schema["$id"] == f"https://example.org/casebook/api/v1/schema/{name}.schema.json"
        data = data_files(catalogue.published, catalogue.taxonomy, None, site_url=site_url)
        assert json.loads(data["case.schema.json"])["$id"] == "https://example.org/casebook/data/case.schema.json"
    # Without a site_url no address is claimed (the packaged files' own $id names no real site).
    files = api_files(catalogue)
    assert all("$id" not in json.loads(files[f"api/v1/schema/{name}.schema.json"]) for name in SCHEMAS)
    assert "$id" not in json.loads(data_files(catalogue.published, catalogue.taxonomy, None)["case.schema.json"])


def test_the_api_page_documents_addresses_schema_examples_licence_and_the_promise(catalogue: Catalogue) -> None:
    page = api_page(catalogue.published, site_url="https://example.org/casebook/")
    for text in (
        "[`api/v1/cases.json`](../api/v1/cases.json)", "[case.schema.json](../api/v1/schema/case.schema.json)",
        # The example is the first case, by slug, that records lessons.
        "[`api/v1/cases/is-hostile.json`](../api/v1/cases/is-hostile.json)",
        "curl -s https://example.org/casebook/api/v1/cases.json", "from urllib.request import urlopen",
        'BASE = "https://example.org/casebook/"', "jsonschema.validate(",
        "[CC BY 4.0](https://creativecommons.org/licenses/by/4.0/)", "no field is ever renamed or removed",
        "- `period.start` (whole number; always present): The year the practice began",
        "- `organisations.name` (text; always present)", "- `lessons` (list of strings; optional)",
        "- `api_url` (text; always present)", "- `author.family` (", "- `cases.api_url` (", "- `sub_region` (",
    ):
        assert text in page, text
    for name in api_schema("case")["properties"]:
        assert f"- `{name}` (" in page, name
    assert "[bibliography.bib](bibliography.bib)" in page
    assert "`bibliography.bib`" in api_page([], site_url="", bibliography=False)
    assert "[API](api.md)" in data_page(3, ["cases.json"])
    assert "[API](api.md)" in codebook_page(published_schema(catalogue.taxonomy), catalogue.taxonomy)


def test_the_examples_use_the_site_address_only_when_it_is_a_plain_web_address() -> None:
    assert example_base("https://casebook.example.org") == "https://casebook.example.org/"
    for bad in ("", "ftp://x.org/", "https://x.org/`rm -rf`", "https://x.org/\n```", "javascript:alert(1)"):
        assert example_base(bad) == PLACEHOLDER_BASE, bad
