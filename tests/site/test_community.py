"""Community links on case pages: "Suggest an edit", the optional discussion place, the licence footer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from casebook.site.community import Discussion, check_discussion, community_context, discussion_url, is_discussable
from support import REPO, build, make_site
from support.browser import serve_directory

CASE_PAGE = "cases/no-coordination-minister/index.html"
EDIT_URL = "https://github.com/example/casebook/edit/main/cases/no-coordination-minister.md"


def configure(site: Path, discussion: dict[str, str] | None, *, copyright: str | None = None) -> Path:
    """Set the plugin's discussion option (and the footer text) in the fixture site's mkdocs.yml."""
    config_path = site / "mkdocs.yml"
    config = yaml.safe_load(config_path.read_text())
    if discussion is not None:
        config["plugins"] = ["search", {"casebook": {"discussion": discussion}}]
    if copyright is not None:
        config["copyright"] = copyright
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    return site


def pages(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.html"))}


REAL_COPYRIGHT = yaml.safe_load((REPO / "mkdocs.yml").read_text())["copyright"]


@pytest.fixture(scope="module")
def off_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = configure(make_site(tmp_path_factory.mktemp("off") / "s"), None, copyright=REAL_COPYRIGHT)
    result = build(site)
    assert result.returncode == 0, result.stderr
    return site / "site"


@pytest.mark.build
def test_off_by_default_case_pages_link_to_suggest_an_edit_and_nothing_third_party(off_site: Path) -> None:
    html = pages(off_site)
    case = html[CASE_PAGE]
    assert f'<a class="cb-suggest-edit" href="{EDIT_URL}" rel="nofollow">Suggest an edit</a>' in case
    assert "cb-discuss" not in case
    for name, text in html.items():
        assert "giscus" not in text, name
        # No script, stylesheet or frame from another host: links are fine, requests are not.
        for url in re.findall(r'<(?:script|link|iframe|img)\b[^>]*\b(?:src|href)="(https?://[^"]+)"', text):
            assert url.startswith("https://example.org/casebook/"), (name, url)
    assert "cb-community" not in html["index.html"]


@pytest.mark.build
def test_the_content_licence_is_in_the_footer_of_every_page(off_site: Path) -> None:
    assert "CC BY 4.0" in REAL_COPYRIGHT
    html = pages(off_site)
    assert len(html) >= 4
    for name, text in html.items():
        footer = text[text.index('<div class="md-copyright">'):]
        assert REAL_COPYRIGHT in footer, name


@pytest.mark.build
def test_a_discussion_link_is_built_from_the_pattern_with_encoded_values(tmp_path: Path) -> None:
    pattern = "https://github.com/example/casebook/discussions?q={slug}&title={title}&from={url}"
    site = configure(make_site(tmp_path / "s"), {"provider": "link", "url": pattern})
    result = build(site)
    assert result.returncode == 0, result.stderr
    html = pages(site / "site")
    case = html[CASE_PAGE]
    expected = (
        "https://github.com/example/casebook/discussions?q=no-coordination-minister"
        "&amp;title=A%20coordination%20minister%20for%20cross-cutting%20reforms"
        "&amp;from=https%3A%2F%2Fexample.org%2Fcasebook%2Fcases%2Fno-coordination-minister%2F"
    )
    assert f'<a class="cb-discuss" href="{expected}" rel="nofollow">Discuss this case</a>' in case
    assert "Suggest an edit" in case
    assert "cb-discuss" not in html["index.html"]
    assert "giscus" not in case


@pytest.mark.build
def test_giscus_is_embedded_on_case_pages_only_with_escaped_settings(tmp_path: Path) -> None:
    discussion = {
        "provider": "giscus", "repo": "example/casebook", "repo_id": 'R_kg"><script>alert(1)</script>',
        "category": "Cases & briefs", "category_id": "DIC_kwDO", "lang": "en",
    }
    site = configure(make_site(tmp_path / "s"), discussion)
    result = build(site)
    assert result.returncode == 0, result.stderr
    html = pages(site / "site")
    case = html[CASE_PAGE]
    script = re.search(r'<script src="https://giscus.app/client.js"[^>]*>', case, re.S)
    assert script is not None
    tag = script.group(0)
    assert 'data-repo="example/casebook"' in tag
    assert 'data-repo-id="R_kg&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in tag
    assert 'data-category="Cases &amp; briefs"' in tag
    assert 'data-mapping="pathname"' in tag
    assert "<script>alert(1)" not in case
    assert "giscus" not in html["index.html"]


@pytest.mark.parametrize(
    ("discussion", "message"),
    [
        ({"provider": "giscus", "repo": "example/casebook"}, "needs repo_id, category, category_id"),
        ({"provider": "link"}, "discussion.url must be an http(s) address"),
        ({"provider": "link", "url": "javascript:alert(1)"}, "discussion.url must be an http(s) address"),
        ({"provider": "link", "url": "https://x.org/{nope}"}, "unknown placeholder(s) {nope}"),
    ],
)
@pytest.mark.build
def test_an_incomplete_discussion_option_stops_the_build_with_the_fix(
    tmp_path: Path, discussion: dict[str, str], message: str
) -> None:
    site = configure(make_site(tmp_path / "s"), discussion)
    result = build(site)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.build
def test_an_unknown_provider_is_refused_by_the_config_check(tmp_path: Path) -> None:
    site = configure(make_site(tmp_path / "s"), {"provider": "disqus"})
    result = build(site)
    assert result.returncode != 0
    assert "provider" in result.stderr and "disqus" in result.stderr


def test_community_context_covers_single_cases_and_briefs_only() -> None:
    assert is_discussable("cases/no-x.md") and is_discussable("briefs/joined-up.md")
    for other in ("index.md", "cases/index.md", "briefs/index.md", "countries/no.md", "cases/a/b.md", "about/x.md"):
        assert not is_discussable(other)
        context = community_context(
            other, title="t", edit_url="e", page_url="u", source_path="p", discussion=Discussion()
        )
        assert context is None
    brief = community_context(
        "briefs/joined-up.md", title="T", edit_url=None, page_url="u", source_path="briefs/joined-up.md",
        discussion=Discussion(provider="link", url="https://x.org/d?p={path}"),
    )
    assert brief == {
        "kind": "brief", "edit_url": None, "discussion_url": "https://x.org/d?p=briefs%2Fjoined-up.md", "giscus": None,
    }
    assert check_discussion(Discussion()) == []
    assert discussion_url("https://x.org/{title}", slug="", path="", title="a/b c?&#", url="") == (
        "https://x.org/a%2Fb%20c%3F%26%23"
    )


@pytest.mark.browser
def test_a_case_page_makes_no_third_party_request(off_site: Path, browser) -> None:  # type: ignore[no-untyped-def]
    base, shutdown = serve_directory(off_site)
    requests: list[str] = []
    context = browser.new_context()
    try:
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.route(re.compile(r"^(?!http://127\.0\.0\.1:).*"), lambda route: route.abort())
        page.goto(base + "cases/no-coordination-minister/", wait_until="networkidle")
        link = page.get_by_role("link", name="Suggest an edit")
        assert link.get_attribute("href") == EDIT_URL
        assert link.is_visible()
    finally:
        context.close()
        shutdown()
    assert requests
    outside = [url for url in requests if not url.startswith(base) and not url.startswith("data:")]
    assert outside == []
