"""What the tests share, imported explicitly (``from support import make_site``); ``conftest.py`` keeps only
fixtures and hooks.

This module holds the paths and the fixture site copied into a temporary folder, built with the real MkDocs or
checked with the real ``casebook`` command. The rest is by subject:

- ``support.browser``: a static server on 127.0.0.1 and the Chromium the browser tests drive;
- ``support.content``: synthetic cases and briefs that more than one test module builds sites from;
- ``support.corpus``: the benchmark corpus of ``scripts/make_corpus.py``, as the adapter tests build it;
- ``support.hostile``: hostile case files and the exact outcome each must have;
- ``support.readers``: extra cases for the readers' features, and what a spreadsheet would run as a formula.
- ``support.serve``: a real ``mkdocs serve`` on a free port, and waiting for lines of its log.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests"
#: The fixture site (``fixtures/site``) and real-world BibTeX exports (``fixtures/bib``).
FIXTURES = TESTS / "fixtures"
#: Hostile inputs kept as files: ``hostile/bib`` holds one attack on the bibliography per file.
HOSTILE_FILES = TESTS / "hostile"


def make_site(dest: Path, cases: dict[str, str | bytes] | None = None, *, keep_fixture_cases: bool = True) -> Path:
    """Copy the fixture site (and the real taxonomy) to ``dest``; add or replace case files."""
    shutil.copytree(FIXTURES / "site", dest)
    shutil.copytree(REPO / "taxonomy", dest / "taxonomy")
    if not keep_fixture_cases:
        for path in (dest / "cases").glob("*.md"):
            path.unlink()
    for name, content in (cases or {}).items():
        target = dest / "cases" / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return dest


def without_repository_link(site: Path) -> Path:
    """``site`` with no ``repo_url`` or ``edit_uri`` in its ``mkdocs.yml``: with one, Material asks api.github.com for
    the repository's stars, a request off 127.0.0.1 (the browser tests fail on any), and fills the header in late."""
    config = site / "mkdocs.yml"
    lines = config.read_text(encoding="utf-8").split("\n")
    config.write_text("\n".join(line for line in lines if not line.startswith(("repo_url:", "edit_uri:"))),
                      encoding="utf-8")
    return site


#: What a site is made of, as the repository has it (its real cases, briefs, bibliography, pages, taxonomy).
REAL_CONTENT = ("cases", "briefs", "docs", "taxonomy", "bibliography.bib", "mkdocs.yml")


def copy_real_content(dest: Path) -> Path:
    """A copy of the repository's content in ``dest`` (made here), not yet built."""
    dest.mkdir(parents=True)
    for name in REAL_CONTENT:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, dest / name)
        else:
            shutil.copy2(source, dest / name)
    return dest


def run_mkdocs(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``mkdocs ARGS`` in ``site``, with a fixed build date; a test that builds must be marked ``build``."""
    env = dict(
        os.environ, SOURCE_DATE_EPOCH="1700000000", NO_MKDOCS_2_WARNING="1",
        PYTHONWARNINGS="ignore::DeprecationWarning",
    )
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *args],
        cwd=site, env=env, capture_output=True, text=True, timeout=600,
    )


def build(site: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` in ``site``."""
    return run_mkdocs(site, "build", "--strict", *extra)


def casebook(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The ``casebook`` command in ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", "casebook.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def start_tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every start tag in ``html`` with its attributes, as a browser's tokenizer sees them."""
    from html.parser import HTMLParser

    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, attrs))

    parser = Collector(convert_charrefs=True)
    parser.feed(html)
    parser.close()
    return found
