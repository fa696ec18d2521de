"""The site under the engines that follow MkDocs 1.6 (README, "Engines"), with the repository's own content.

- ProperDocs, the maintained fork of MkDocs 1.x, runs the plugin: its build is the MkDocs build byte for byte,
  the generator meta tag aside (search index included).
- Zensical runs no third-party plugin: it builds ``casebook export``'s plugin-free site, which has every page
  and file the plugin publishes (but what the README lists as going without), the same page headings, and no
  internal link or anchor that leads nowhere.

Marked ``engines`` (``make test-engines`` runs only these) and ``build`` (``make test-fast`` leaves them out).
"""

from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from support import casebook, copy_real_content

pytestmark = [pytest.mark.engines, pytest.mark.build]

#: Material's end-of-life banner is documented in the README's "Engines" section instead of on every build.
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", NO_MKDOCS_2_WARNING="1",
           PYTHONWARNINGS="ignore::DeprecationWarning")
#: What a build from ``casebook export`` goes without (README, "Engines"): the Pagefind index and its script, and
#: the gzipped sitemap MkDocs writes beside the plain one. The theme's own bundles are named by the engine.
PLUGIN_ONLY = ("pagefind/", "assets/casebook/search.js", "sitemap.xml.gz")
THEME_BUNDLES = ("assets/javascripts/", "assets/stylesheets/")


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, env=ENV, capture_output=True, text=True,
                          timeout=900)


def _files(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's content."""
    return copy_real_content(tmp_path_factory.mktemp("engines") / "project")


@pytest.fixture(scope="module")
def mkdocs_site(project: Path) -> Path:
    """The site as MkDocs 1.6 builds it with the plugin."""
    out = project.parent / "built-mkdocs"
    result = _run("mkdocs", "build", "--strict", "-d", str(out), cwd=project)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def _generator_free(data: bytes) -> bytes:
    """``data`` with the content of its generator meta tag taken out."""
    start = data.find(b'<meta name="generator" content="')
    if start < 0:
        return data
    end = data.index(b'">', start)
    return data[:start] + data[end:]


def _generator(data: bytes) -> str:
    start = data.index(b'<meta name="generator" content="') + len(b'<meta name="generator" content="')
    return data[start:data.index(b'"', start)].decode()


def test_properdocs_builds_the_mkdocs_site_byte_for_byte_but_the_generator_tag(
    project: Path, mkdocs_site: Path
) -> None:
    out = project.parent / "built-properdocs"
    result = _run("properdocs", "build", "--strict", "-f", "mkdocs.yml", "-d", str(out), cwd=project)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "WARNING" not in result.stderr and "Traceback" not in result.stderr, result.stderr[-3000:]
    # The parallel renderer and the nav cache run only on the engine they were tested on (adapter/engine.py).
    assert "tested on mkdocs 1.6.1, not on properdocs 1.6.7" in result.stderr, result.stderr[-3000:]
    ours, theirs = _files(mkdocs_site), _files(out)
    assert sorted(theirs) == sorted(ours)
    assert "pagefind/pagefind-entry.json" in ours and "cases/mx-oportunidades/index.html" in ours
    tagged = 0
    for name, path in ours.items():
        mine, other = path.read_bytes(), theirs[name].read_bytes()
        if mine == other:
            continue
        assert name.endswith(".html") and _generator_free(mine) == _generator_free(other), name
        assert _generator(mine).startswith("mkdocs-1.6") and _generator(other).startswith("mkdocs-ProperDocs"), name
        tagged += 1
    assert tagged == sum(1 for name in ours if name.endswith(".html"))  # every page says which engine made it


class _Page(HTMLParser):
    """A built page's links (``href`` and ``src``), its ids, and the text of its ``h1``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.heading: list[str] = []
        self._in_h1 = False
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        for name in ("href", "src"):
            value = found.get(name)
            if value is not None:
                self.links.append(value)
        if tag == "h1":
            self._in_h1 = True
        elif self._in_h1 and tag == "a":
            self._skip += 1  # the heading's permalink

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False
        elif tag == "a" and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._in_h1 and not self._skip:
            self.heading.append(data)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def test_zensical_builds_the_export_with_every_page_and_no_dead_link(project: Path, mkdocs_site: Path) -> None:
    exported = project.parent / "export"
    result = casebook("export", "--out", str(exported), cwd=project)
    assert result.returncode == 0, result.stderr
    source = exported / "site-src"
    built = _run("zensical", "build", "--strict", "-f", "mkdocs.yml", cwd=source)
    assert built.returncode == 0, (built.stdout + built.stderr)[-3000:]
    out = source / "site"
    theirs = _files(out)
    expected = [name for name in _files(mkdocs_site)
                if not name.startswith(PLUGIN_ONLY + THEME_BUNDLES)]
    assert len(expected) > 90
    assert [name for name in expected if name not in theirs] == []

    pages = {path: _parse(path) for name, path in theirs.items() if name.endswith(".html")}
    for name in expected:
        if name.endswith(".html"):
            plugin_heading = "".join(_parse(mkdocs_site / name).heading).strip()
            assert "".join(pages[out / name].heading).strip() == plugin_heading, name

    # Internal links: from the root (the path of site_url is "/") or relative to the page; each leads to a file,
    # and each anchor to an id on its page.
    dead: list[str] = []
    checked = anchors = 0
    for path, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("data:"):
                continue
            target = path
            if parts.path:
                target = out / unquote(parts.path).lstrip("/") if parts.path.startswith("/") \
                    else path.parent / unquote(parts.path)
                target = target.resolve()
                if target.is_dir():
                    target = target / "index.html"
            checked += 1
            where = f"{path.relative_to(out)}: {link}"
            if not target.is_file():
                dead.append(where)
            elif parts.fragment and target.suffix == ".html":
                anchors += 1
                if unquote(parts.fragment) not in pages[target].ids:
                    dead.append(where + " (no such anchor)")
    assert dead == []
    assert checked > 3000 and anchors > 1000
