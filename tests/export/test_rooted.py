"""Links in the portable site's generated HTML are written from the site's root (``export/rooted.py``)."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from casebook.export.rooted import rooted_href, rooted_links, site_root


def test_site_root_is_the_path_of_site_url() -> None:
    assert site_root("") == "/"
    assert site_root("https://casebook.example.org/") == "/"
    assert site_root("https://example.org/casebook") == "/casebook/"
    assert site_root("https://example.org/a/b/") == "/a/b/"


def test_a_relative_link_is_resolved_against_the_pages_url() -> None:
    assert rooted_href("../../cases/x/", "countries/no/", "/") == "/cases/x/"
    assert rooted_href("../bibliography/#doe2020", "cases/", "/casebook/") == "/casebook/bibliography/#doe2020"
    assert rooted_href("cases/x/", "", "/") == "/cases/x/"
    assert rooted_href("./", "cases/", "/r/") == "/r/cases/"
    assert rooted_href("../", "cases/", "/r/") == "/r/"
    assert rooted_href("../data/cases.csv?x=1", "data/codebook/", "/") == "/data/data/cases.csv?x=1"
    assert rooted_href("x.html", "a/b.html", "/") == "/a/x.html"  # without directory URLs
    # Left as written: other sites, links from the root, this page's anchors, nothing at all.
    for href in ("https://doi.org/10.1/x", "mailto:a@b.org", "//cdn.example/x.js", "/casebook/x/", "#key", "",
                 "?q=1"):
        assert rooted_href(href, "cases/x/", "/") == href


def test_only_tags_with_a_relative_link_change_and_the_rest_stays_byte_for_byte() -> None:
    markdown = (
        "## Cases &amp; more {: #cases }\n\n"
        '<table>\n<tr><td><a class="cb-x" href="../../cases/x/" title="A &quot;b&quot; &lt;c&gt;">X</a></td>'
        '<td><a href="https://example.org/">out</a> <a href="#top">top</a></td></tr>\n'
        '<tr><td><img alt="" src="../../assets/casebook/map.png" /></td></tr>\n</table>\n\n'
        "Text with a < b and [a Markdown link](../x.md) stays.\n"
    )
    rooted = rooted_links(markdown, "countries/no.md", "/casebook/")
    assert rooted == markdown.replace(
        '<a class="cb-x" href="../../cases/x/" title="A &quot;b&quot; &lt;c&gt;">',
        '<a class="cb-x" href="/casebook/cases/x/" title="A &quot;b&quot; &lt;c&gt;">',
    ).replace('src="../../assets/casebook/map.png" />', 'src="/casebook/assets/casebook/map.png" />')


def test_a_rooted_page_needs_no_second_pass() -> None:
    markdown = '<p><a href="../x/">x</a></p>\n'
    once = rooted_links(markdown, "cases/y.md", "/")
    assert once == '<p><a href="/cases/x/">x</a></p>\n'
    assert rooted_links(once, "cases/y.md", "/") == once


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _tags(text: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Attributes()
    parser.feed(text)
    parser.close()
    return parser.tags


@given(
    title=st.text(max_size=30),
    path=st.text(alphabet="abc-./", max_size=12),
    before=st.text(alphabet="ab <>\n&;#\"'", max_size=20),
)
def test_a_rewritten_tag_keeps_every_other_attribute_and_the_text_around_it(title: str, path: str, before: str) -> None:
    from casebook.core.escape import html_block_attr

    tag = f'<a title="{html_block_attr(title)}" href="{html_block_attr(path)}">'
    markdown = f"<p>{before.replace('<', '&lt;')}</p>\n<p>{tag}x</a></p>\n"
    rooted = rooted_links(markdown, "cases/y.md", "/r/")
    assert rooted.startswith(markdown.split(tag)[0]) and rooted.endswith("x</a></p>\n")
    attrs = dict(next(attrs for name, attrs in _tags(rooted) if name == "a"))
    assert attrs["title"] == title
    assert attrs["href"] == rooted_href(path, "cases/y/", "/r/")
    assert "\n" not in rooted.split("<a ", 1)[1].split(">", 1)[0]  # the tag stays on its line
