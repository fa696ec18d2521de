"""Shared helpers: fixture sites copied into tmp_path and built with the real MkDocs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


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


def run_mkdocs(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ, SOURCE_DATE_EPOCH="1700000000", NO_MKDOCS_2_WARNING="1",
        PYTHONWARNINGS="ignore::DeprecationWarning",
    )
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *args],
        cwd=site, env=env, capture_output=True, text=True, timeout=600,
    )


def build(site: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_mkdocs(site, "build", "--strict", *extra)


def casebook(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "casebook.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


# --- Browser tests: a static server on 127.0.0.1 and Debian's Chromium driven by Playwright ---

CHROMIUM = os.environ.get("CASEBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


class _QuietHandler(__import__("http.server").server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve_directory(directory: Path):  # type: ignore[no-untyped-def]
    """Serve ``directory`` on 127.0.0.1 in a thread; returns (base_url, shutdown)."""
    import functools
    import http.server
    import threading

    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def shutdown() -> None:
        server.shutdown()
        server.server_close()  # an unclosed socket is a ResourceWarning, an error under filterwarnings=error
        thread.join()

    return f"http://127.0.0.1:{server.server_address[1]}/", shutdown


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """A headless Chromium (Debian's), shared by the session's browser tests."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


# --- The hostile-input site: every accepted hostile case, built once per session ---


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The fixture site plus every accepted hostile case, built (not --strict: they carry W203 warnings)."""
    from hostile_cases import ACCEPTED, BIB_FOR_SITE

    site = make_site(tmp_path_factory.mktemp("hostile") / "site", {a.name: a.content for a in ACCEPTED})
    bib = FIXTURES.parent / "hostile" / "bib"
    (site / "bibliography.bib").write_text("\n".join((bib / n).read_text(encoding="utf-8") for n in BIB_FOR_SITE))
    # Without a repository link: Material would ask api.github.com for its star count, and the browser test
    # fails on any request that leaves 127.0.0.1.
    config = (site / "mkdocs.yml").read_text(encoding="utf-8")
    config = "\n".join(line for line in config.split("\n") if not line.startswith(("repo_url:", "edit_uri:")))
    (site / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = run_mkdocs(site, "build")
    assert result.returncode == 0, result.stderr
    return site, result


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
