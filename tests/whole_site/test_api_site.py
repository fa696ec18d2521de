"""The API and the lessons in real builds: what ``mkdocs build --strict`` publishes, with and without directory
URLs, twice, and what ``casebook export`` writes."""

from __future__ import annotations

import contextlib
import gzip
import html
import io
import json
import posixpath
import re
from pathlib import Path

import jsonschema
import pytest

from casebook.catalogue import Settings, load_catalogue
from casebook.site.api import FILES, SCHEMAS, api_files
from casebook.site.apipage import api_page
from support import casebook, make_site, run_mkdocs
from support.browser import serve_directory
from support.readers import API_BIB, api_cases

pytestmark = pytest.mark.build


#: The one warning of the API site: its bibliography's ``javascript:`` address, kept to show that it never travels.
#: A strict build fails on it (W307), so the site is built without ``--strict``, and this is all it warns about.
API_SITE_WARNING = ("WARNING -  bibliography.bib:2: W307 warning: entry 'web2021': url 'javascript:alert(1)' does not "
                    "start with 'https://' or 'http://'")


def build_api_site(site: Path, *extra: str) -> None:
    result = run_mkdocs(site, "build", *extra)
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if "WARNING" in line] == [API_SITE_WARNING], result.stderr


def make_api_site(root: Path, *, directory_urls: bool = True) -> Path:
    site = make_site(root, api_cases())
    (site / "bibliography.bib").write_text(API_BIB, encoding="utf-8")
    if not directory_urls:
        config = site / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8") + "use_directory_urls: false\n", encoding="utf-8")
    build_api_site(site)
    return site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_api_site(tmp_path_factory.mktemp("api-site") / "site")


def api_tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted((out / "api").rglob("*")) if p.is_file()}


def test_the_build_publishes_every_api_file_each_valid_against_its_published_schema(site: Path) -> None:
    out = site / "site"
    tree = api_tree(out)
    catalogue = load_catalogue(Settings(root=site))
    made = api_files(catalogue, site_url="https://example.org/casebook/")  # the fixture's site_url
    assert {k: v.decode("utf-8") for k, v in tree.items()} == made  # exactly what the engine made
    schemas = {name: json.loads(tree[f"api/v1/schema/{name}.schema.json"]) for name in SCHEMAS}
    cases = json.loads(tree["api/v1/cases.json"])
    assert [c["slug"] for c in cases] == sorted(c.slug for c in catalogue.published)
    checked = 0
    for path, data in tree.items():
        if "/schema/" in path:
            continue
        name = path.removeprefix("api/v1/")
        schema = schemas[FILES["cases/{slug}.json"] if name.startswith("cases/") else FILES[name]]
        jsonschema.validate(json.loads(data), schema, cls=jsonschema.Draft202012Validator)
        checked += 1
    assert checked == 4 + len(cases)
    for case in cases:
        one = json.loads(tree[case["api_url"]])
        assert {"slug", "title", "countries", "mechanisms", "url"} <= set(one)
        assert (out / case["url"] / "index.html").is_file()  # the page it names exists
    assert b"li-api-draft" not in b"".join(tree.values())


def test_the_data_page_links_the_api_page_and_the_api_page_its_files(site: Path) -> None:
    out = site / "site"
    data = (out / "data/index.html").read_text(encoding="utf-8")
    assert '<a href="api/">API</a>' in data
    page = (out / "data/api/index.html").read_text(encoding="utf-8")
    for href in ("../../api/v1/cases.json", "../../api/v1/schema/case.schema.json", "../../api/v1/mechanisms.json",
                 "../../api/v1/cases/is-hostile.json", "../codebook/", "../"):
        assert f'href="{href}"' in page, href
        assert (out / "data/api" / href.split("#")[0]).resolve().exists(), href
    text = html.unescape(re.sub(r"<[^>]*>", "", page))  # the code blocks are highlighted, token by token
    assert "curl -s https://example.org/casebook/api/v1/cases.json" in text
    assert 'for case in get("api/v1/cases.json"):' in text
    assert "CC BY 4.0" in text and "no field is ever renamed or removed" in text


def test_a_mechanism_page_shows_the_lessons_of_its_cases_each_linked_to_its_case(site: Path) -> None:
    out = site / "site"
    page = (out / "mechanisms/one-stop-shop/index.html").read_text(encoding="utf-8")
    assert 'id="lessons-from-these-cases"' in page and 'href="#lessons-from-these-cases"' in page
    section = page[page.index('id="lessons-from-these-cases"'):page.index("</article>")]
    link = 'href="../../cases/is-hostile/"'
    assert link in section
    assert section.index(link) < section.index("A lesson with &lt;script&gt;alert(1)&lt;/script&gt; &amp;")
    assert "<script>alert" not in page
    # One-stop jobcentres records no lessons: named, linked, at the end.
    assert 'No lessons recorded: <a href="../../cases/de-one-stop-jobcentre/">' in section
    for href in ("../../cases/is-hostile/", "../../cases/de-one-stop-jobcentre/"):
        target = posixpath.normpath(posixpath.join("mechanisms/one-stop-shop/", href))
        assert (out / target / "index.html").is_file()
    assert "Draft lesson text" not in (out / "policy-areas/education/index.html").read_text(encoding="utf-8")


def test_two_builds_give_the_same_api_and_lessons_bytes(site: Path) -> None:
    build_api_site(site, "--site-dir", "again")
    assert api_tree(site / "again") == api_tree(site / "site")
    for page in ("mechanisms/one-stop-shop/index.html", "policy-areas/health/index.html", "data/api/index.html"):
        assert (site / "again" / page).read_bytes() == (site / "site" / page).read_bytes(), page


def test_without_directory_urls_every_url_in_the_api_is_a_built_page(tmp_path: Path) -> None:
    site = make_api_site(tmp_path / "flat", directory_urls=False)
    out = site / "site"
    cases = json.loads((out / "api/v1/cases.json").read_text(encoding="utf-8"))
    assert cases[0]["url"] == "cases/de-one-stop-jobcentre.html"
    urls = [c["url"] for c in cases]
    for name in ("countries", "mechanisms", "policy-areas"):
        for term in json.loads((out / f"api/v1/{name}.json").read_text(encoding="utf-8")):
            urls += [term["url"], *(c["url"] for c in term["cases"])]
    assert all(url.endswith(".html") and (out / url).is_file() for url in urls), urls
    page = (out / "mechanisms/one-stop-shop.html").read_text(encoding="utf-8")
    assert 'href="../cases/is-hostile.html"' in page


def test_casebook_export_writes_the_same_api_and_pages(site: Path, tmp_path: Path) -> None:
    result = casebook("--root", str(site), "export", "--out", str(tmp_path / "out"), cwd=site)
    assert result.returncode == 0, result.stderr
    docs = tmp_path / "out/site-src/docs"
    exported = {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted((docs / "api").rglob("*"))
                if p.is_file()}
    assert exported == api_tree(site / "site")
    assert "Lessons from these cases" in (docs / "mechanisms/one-stop-shop.md").read_text(encoding="utf-8")
    assert "[API](api.md)" in (docs / "data/index.md").read_text(encoding="utf-8")
    assert (docs / "data/api.md").is_file()


def test_the_python_examples_of_the_api_page_run_against_the_built_site(site: Path) -> None:
    base, shutdown = serve_directory(site / "site")
    try:
        catalogue = load_catalogue(Settings(root=site))
        markdown = api_page(catalogue.published, site_url=base)
        blocks = markdown.split("```\n")[1::2]  # the fenced blocks: curl, then the two Python ones
        assert blocks[0].startswith("curl -s " + base)
        namespace: dict[str, object] = {}
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            for block in blocks[1:]:
                exec(compile(block, "api-example", "exec"), namespace)  # noqa: S102
    finally:
        shutdown()
    printed = output.getvalue()
    assert f"One-stop jobcentres for the long-term unemployed {base}cases/de-one-stop-jobcentre/" in printed
    assert "- A lesson with <script>" in printed and "doe2020 A Book about </script>" in printed


def test_search_indexes_a_term_page_but_not_the_lessons_it_gathers(site: Path) -> None:
    folder = site / "site/pagefind/fragment"
    records = [json.loads(gzip.decompress(p.read_bytes())[len(b"pagefind_dcd"):]) for p in folder.iterdir()]
    pages = {record["url"]: record["content"] for record in records}
    term = pages["/mechanisms/one-stop-shop/"]
    assert "Lessons from these cases" in term  # the page is indexed, its own words too
    assert "A lesson with" not in term and "One-stop jobcentres" not in term  # not the cases' text or titles
