"""Where MkDocs puts the page built from a source path, and relative links between pages.

Generated listings are raw HTML, which MkDocs does not rewrite, so the engine works out each link itself,
the way MkDocs maps a source path to a URL. Every generated link (``site/urls.py``, a case's and the
bibliography's links in ``site/assembly.py``, the plain-Markdown export) comes from these functions, so a link
is computed one way only; they are in the core so that any layer can use them.
"""

from __future__ import annotations

import posixpath


def page_url(src_uri: str, *, directory_urls: bool = True) -> str:
    """The site-relative URL MkDocs gives the page built from ``src_uri`` (no leading slash)."""
    stem = src_uri.removesuffix(".md")
    parent, _, name = stem.rpartition("/")
    if not directory_urls:
        return f"{stem}.html"
    if name in ("index", "README"):
        return f"{parent}/" if parent else ""
    return f"{stem}/"


def relative_url(from_url: str, to_url: str) -> str:
    """A link from the page at ``from_url`` to ``to_url``, both site-relative."""
    base = from_url if from_url.endswith("/") or from_url == "" else posixpath.dirname(from_url)
    rel = fast_relpath(to_url, base)
    if to_url == "" or to_url.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    return rel


def relative_link(from_src: str, to_src: str, *, directory_urls: bool = True) -> str:
    """The URL of the page built from ``to_src``, relative to the page built from ``from_src``."""
    return relative_url(
        page_url(from_src, directory_urls=directory_urls), page_url(to_src, directory_urls=directory_urls)
    )


def fast_relpath(to_url: str, base: str) -> str:
    """Fast twin of ``posixpath.relpath("/" + to_url, "/" + base.rstrip("/"))``, which it must equal: it skips the
    normalising when there is nothing to normalise.

    Tens of thousands of links are computed per build; ``tests/core/test_fast_paths.py``
    (``test_fast_relative_path_agrees_with_posixpath``) checks that both agree.
    """
    start = [p for p in base.split("/") if p]
    target = [p for p in to_url.split("/") if p]
    if any(p in (".", "..") for p in start) or any(p in (".", "..") for p in target):
        return posixpath.relpath("/" + to_url, "/" + base.rstrip("/"))
    common = 0
    while common < len(start) and common < len(target) and start[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:]) or "."
