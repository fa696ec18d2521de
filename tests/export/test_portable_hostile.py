"""Hostile cases through ``casebook export`` and a plain MkDocs build: the portable site is as safe as the plugin's.

The plugin sanitizes contributed pages while MkDocs renders them; a plain build of the portable site runs no
plugin, so the export must already have written what the plugin's site shows. Every accepted hostile case of
``support/hostile.py`` is exported, with payloads aimed at Material's own JavaScript, and the portable site is
built with plain ``mkdocs build --strict``; the built pages are read as a browser's tokenizer reads them, and
opened in Chromium.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from casebook.export.body import portable_markdown
from casebook.export.portable import PortableError, body_extensions
from support import FIXTURES, build, casebook, make_site, start_tags, without_repository_link
from support.browser import hover_everywhere, serve_directory
from support.content import BRIEF
from support.hostile import ACCEPTED, BIB_FOR_SITE, case

#: Raw HTML, Markdown that makes markup, and raw HTML indented under a details block (which a parser without
#: pymdownx.details takes for a code block). Each payload would set ``window.__pwned`` or open a dialog.
PAYLOADS = (
    "Before the payloads.\n\n"
    "<script>window.__pwned = 101; alert(101)</script>\n\n"
    '<img src="pixel.png" onerror="window.__pwned = 102; alert(102)"> an image with a handler\n\n'
    "[markdown javascript link](javascript:window.__pwned=103) and "
    '<a href="javascript:window.__pwned=104">a raw javascript link</a>\n\n'
    '??? note "Raw HTML in a details block"\n'
    '    <img src=x onerror="window.__pwned = 105; alert(105)">\n'
    '    <a href="javascript:window.__pwned=106" onclick="window.__pwned=107">inside the details</a>\n\n'
    '[a titled link](no-coordination-minister.md "<img src=x onerror=window.__pwned=108>")\n\n'
    '## A heading <img src=x onerror="window.__pwned=109"> with *markup* and `code`\n\n'
    "Text after the heading: it links [back](#a-heading-with-markup-and-code) and cites [@markup].\n\n"
    "A claim.[^1]\n\n[^1]: A footnote <script>window.__pwned = 110</script>.\n"
)
#: Payloads that drive Material's JavaScript through ids and titles: an element that is Material's
#: configuration (tooltips on, versions fetched from another host), a link whose title is HTML for the
#: tooltip, and a heading whose id is Material's configuration's.
THEME_PAYLOADS = (
    '<div id="__config">{"base": "https://evil.example/", "features": ["content.tooltips"], '
    '"search": "assets/javascripts/workers/search.js", "translations": {}, '
    '"version": {"provider": "mike"}}</div>\n\n'
    '[hover me](no-coordination-minister.md "<img src=x onerror=window.__pwned=201>")\n\n'
    "## \\_\\_config\n\nText under a heading named like the theme's configuration.\n"
)
CASES = {
    **{a.name: a.content for a in ACCEPTED},
    "mx-export-payloads.md": case(body=PAYLOADS + "\n" + " ".join(["Synthetic filler."] * 120) + "\n"),
    "mx-theme-payloads.md": case({2: 'title: "Synthetic theme payloads"'},
                                 body=THEME_PAYLOADS + "\n" + " ".join(["Synthetic filler."] * 120) + "\n"),
}
PAYLOAD_PAGES = ("cases/mx-export-payloads/", "cases/mx-theme-payloads/")

#: Elements no contributed page may carry.
FORBIDDEN = {
    "script", "iframe", "frame", "object", "embed", "form", "input", "button", "style", "svg", "math", "meta",
    "base", "link", "noscript", "textarea", "template",
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site with every accepted hostile case and the payloads, exported and built with plain MkDocs."""
    root = tmp_path_factory.mktemp("portable-hostile")
    site = make_site(root / "s", CASES)
    bib = FIXTURES.parent / "hostile" / "bib"
    # Without the \\href entry: casebook validate refuses it (E308) and the export exports only what validates.
    text = "\n".join((bib / n).read_text(encoding="utf-8") for n in BIB_FOR_SITE)
    (site / "bibliography.bib").write_text("\n".join(line for line in text.split("\n") if "\\href" not in line))
    without_repository_link(site)
    # A brief titled like the theme's configuration id: its heading on the list of briefs must not take that id.
    (site / "briefs").mkdir()
    brief = BRIEF.replace('title: "Synthetic brief on programme coordination"', 'title: "__config"')
    (site / "briefs" / "config-title.md").write_text(brief, encoding="utf-8")
    result = casebook("export", "--out", str(root / "out"), cwd=site)
    assert result.returncode == 0, result.stderr
    out = root / "out" / "site-src"
    built = build(out)
    assert built.returncode == 0, built.stderr
    return out


def _contributed_pages(out: Path) -> list[str]:
    return sorted(p.relative_to(out / "docs").as_posix() for p in (out / "docs").glob("*/*.md")
                  if p.parent.name in ("cases", "briefs") and p.name != "index.md")


def _article(page: str) -> str:
    return page[page.index("<article"):page.index("</article>")]


def _bad_attributes(tags: list[tuple[str, list[tuple[str, str | None]]]]) -> list[str]:
    found = []
    for tag, attrs in tags:
        if tag in FORBIDDEN:
            found.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip()
            if name.startswith("on") or name == "style" or name.startswith("data-md"):
                found.append(f"<{tag} {name}>")
            if name in ("href", "src") and re.match(r"[a-z][a-z0-9+.-]*:", value.lower()) \
                    and not value.lower().startswith(("http:", "https:", "mailto:")):
                found.append(f"<{tag} {name}={value!r}>")
            if tag == "img" and name == "src" and (urlsplit(value).netloc or value.startswith("//")):
                found.append(f"<img src={value!r}>")
    return found


@pytest.mark.build
def test_what_the_export_writes_is_already_sanitized(exported: Path) -> None:
    pages = _contributed_pages(exported)
    assert "cases/mx-export-payloads.md" in pages and "cases/raw-script.md" in pages
    for src in pages:
        text = (exported / "docs" / src).read_text(encoding="utf-8")
        body = text.split("\n---\n", 1)[1]  # after the front-matter (data under 'case', never rendered)
        assert _bad_attributes(start_tags(body)) == [], src


@pytest.mark.build
def test_no_payload_survives_the_plain_build(exported: Path) -> None:
    built = exported / "site"
    for src in _contributed_pages(exported):
        page = (built / src.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
        article = _article(page)
        assert _bad_attributes(start_tags(article)) == [], src
    payloads = _article((built / "cases/mx-export-payloads/index.html").read_text(encoding="utf-8"))
    tags = start_tags(payloads)
    # What Markdown made is still there, and safe: the details block, the heading in the contents, the footnote.
    assert any(tag == "details" for tag, _ in tags)
    assert '<h2 id="a-heading-with-markup-and-code">' in payloads
    assert 'href="#a-heading-with-markup-and-code"' in payloads
    assert "<em>markup</em>" in payloads and "<code>code</code>" in payloads
    # The titled link, rewritten as MkDocs would, then from the site's root (the fixture's site_url path; rooted.py).
    assert 'href="/casebook/cases/no-coordination-minister/"' in payloads
    assert 'class="footnote"' in payloads and payloads.index('class="footnote"') > payloads.index('id="references"')
    toc = (built / "cases/mx-export-payloads/index.html").read_text(encoding="utf-8")
    assert 'href="#a-heading-with-markup-and-code"' in toc[:toc.index("<article")]  # in the table of contents


@pytest.mark.build
def test_no_contributor_element_takes_a_theme_id_or_an_html_title(exported: Path) -> None:
    built = exported / "site"
    for src in _contributed_pages(exported):
        page = (built / src.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
        tags = start_tags(page)
        assert [tag for tag, attrs in tags if ("id", "__config") in attrs] == ["script"], src
        titles = [value or "" for _, attrs in start_tags(_article(page)) for name, value in attrs if name == "title"]
        assert not any("<" in title for title in titles), src


@pytest.mark.build
def test_a_brief_title_never_gives_a_theme_id_on_the_list_of_briefs(exported: Path) -> None:
    listing = (exported / "site" / "briefs" / "index.html").read_text(encoding="utf-8")
    assert 'id="brief-config-title"' in listing and "__config</a>" in listing
    assert listing.count('id="__config"') == 1  # the theme's own configuration, and nothing else


def test_headings_keep_their_sanitized_ids_and_their_text_is_never_markdown() -> None:
    body = portable_markdown(
        '<h2 id="x">A <em>b</em> [c](javascript:d) *e* &lt;f&gt; {: #g }'
        '<a class="headerlink" href="#x" title="Permanent link">¶</a></h2>'
        '<h2 class="other" id="y">Kept as HTML</h2>'
        "bare text <b>and</b>\n\n more\n"
        '<div class="footnote"><ol><li id="fn:1">n</li></ol></div>'
    )
    lines = body.markdown.split("\n\n")
    assert lines[0].startswith("## A <em>b</em> &#91;c&#93;&#40;javascript&#58;d&#41; &#42;e&#42; &#60;f&#62; ")
    assert lines[0].endswith(" {: #x }") and "&#123;&#58; &#35;g &#125;" in lines[0] and "headerlink" not in lines[0]
    assert lines[1] == '<h2 class="other" id="y">Kept as HTML</h2>'
    assert lines[2] == "<p>bare text <b>and</b>&#10;&#10; more&#10;</p>\n"
    assert body.footnotes == '<div class="footnote"><ol><li id="fn:1">n</li></ol></div>\n'


def test_bodies_are_rendered_with_the_sites_extensions_and_unsafe_ones_are_refused() -> None:
    names, configs = body_extensions({"markdown_extensions": [{"toc": {"permalink": True}}, "admonition", "tables"]})
    assert names == ["toc", "tables", "fenced_code", "admonition"]  # MkDocs' own first, as MkDocs loads them
    assert configs == {"toc": {"permalink": True}, "tables": {"use_align_attribute": True}}
    assert body_extensions({})[0] == [  # the portable site's own when mkdocs.yml has none
        "toc", "tables", "fenced_code", "admonition", "footnotes", "pymdownx.details", "pymdownx.highlight",
        "pymdownx.superfences",
    ]
    with pytest.raises(PortableError, match="pymdownx.snippets"):
        body_extensions({"markdown_extensions": ["pymdownx.snippets"]})
    with pytest.raises(PortableError, match="cannot read"):
        body_extensions({"markdown_extensions": [{"toc": "yes"}]})


# --- In Chromium: no dialog, no side effect, nothing off the page's origin, and Material's JavaScript runs.

@pytest.fixture(scope="module")
def served(exported: Path) -> Iterator[str]:
    """The built site at the path of the fixture's site_url, where its generated links (from the root) lead."""
    root = exported.parent / "served"
    root.mkdir()
    (root / "casebook").symlink_to(exported / "site", target_is_directory=True)
    base, shutdown = serve_directory(root)
    yield base + "casebook/"
    shutdown()


@pytest.fixture
def tab(browser: Any, served: str) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.dialogs, page.foreign, page.errors = [], [], []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if not url.startswith(served) and not url.startswith("data:"):
            page.foreign.append(url)
            request_route.abort()
        else:
            request_route.continue_()

    context.route("**/*", route)
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def _attack(page: Any, url: str) -> None:
    """Load ``url``, hover everything, open every details block, then hover and click each link of the article."""
    page.goto(url, wait_until="load")
    hover_everywhere(page)
    _check(page)
    links = page.locator("article a[href]")
    for index in range(links.count()):
        page.goto(url, wait_until="load")
        link = page.locator("article a[href]").nth(index)
        href = link.get_attribute("href") or ""
        if urlsplit(href).netloc and not href.startswith(url.split("/cases/")[0]):
            link.hover()  # a link to another site is hovered, not followed
            page.wait_for_timeout(30)
            continue
        link.scroll_into_view_if_needed()
        link.hover()
        page.wait_for_timeout(30)
        _check(page)
        link.click()
        page.wait_for_load_state("load")
        page.wait_for_timeout(30)
        _check(page)


def _check(page: Any) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined", "a script from case content ran"
    assert page.dialogs == [], "a script from case content opened a dialog"
    assert page.foreign == [], "the page asked a host other than its own"
    assert page.errors == [], "a script failed on the page"
    assert page.evaluate('typeof window.document$ !== "undefined"'), "Material's JavaScript did not start"


@pytest.mark.browser
def test_payloads_run_nothing_in_the_exported_site(tab: Any, served: str) -> None:
    _attack(tab, served + PAYLOAD_PAGES[0])


@pytest.mark.browser
@pytest.mark.parametrize("name", [a.name.removesuffix(".md") for a in ACCEPTED if a.name != "a.md"])
def test_hostile_cases_run_nothing_in_the_exported_site(tab: Any, served: str, name: str) -> None:
    tab.goto(served + f"cases/{name}/", wait_until="load")
    for summary in tab.locator("article summary").all():
        summary.click()
    size = tab.viewport_size or {"width": 1280, "height": 720}
    for x in range(0, size["width"], 160):
        for y in range(0, size["height"], 120):
            tab.mouse.move(x, y)
    _check(tab)


@pytest.mark.browser
def test_theme_payloads_drive_nothing_in_the_exported_site(tab: Any, served: str) -> None:
    _attack(tab, served + PAYLOAD_PAGES[1])
