"""The build watchdog (``adapter/watchdog.py``): a page slower than ``page_timeout`` fails the build, naming its file.

The slow page is made slow by a Markdown extension written for the test into the site's folder (MkDocs imports
it from there): it spins, or sleeps in one call of C code, when a page holds a marker. Builds run serially and
with worker processes, under ``mkdocs build`` and ``mkdocs serve``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

from casebook.adapter.watchdog import PAGE_TIMEOUT, PageTimeout, PageWatchdog
from support import make_site, run_mkdocs
from support.serve import MkDocsServer

#: A Markdown extension that holds a page containing SLOW-SPIN (or the generated codebook page, "# Codebook", if the
#: configuration asks) in a loop of Python code for ten minutes, or one containing SLOW-SLEEP in ``time.sleep`` (a
#: single call of C code) for ten minutes. Each process that starts spinning writes its name into ``spun.log``.
SLOW_EXTENSION = '''
import multiprocessing
import os
import time
from markdown import Extension
from markdown.preprocessors import Preprocessor

SPIN = ["SLOW-SPIN"] + (["# Codebook"] if os.path.exists("slow-codebook") else [])


class Slow(Preprocessor):
    def run(self, lines):
        text = "\\n".join(lines)
        if "SLOW-SLEEP" in text:
            time.sleep(600)
        if any(marker in text for marker in SPIN):
            with open("spun.log", "a") as log:
                log.write(multiprocessing.current_process().name + "\\n")
            end = time.monotonic() + 600
            while time.monotonic() < end:
                pass
        return lines


class SlowExtension(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(Slow(md), "slow", 100)


def makeExtension(**kwargs):
    return SlowExtension(**kwargs)
'''

SLOW_CASE = """\
---
title: "A slow case (synthetic)"
summary: "Synthetic fixture: a case whose page a test extension makes slow."
type: "profile"
status: "published"
countries: ["MX"]
policy_areas: ["health"]
mechanisms: ["one-stop-shop"]
period:
  start: 2001
authors: ["Test Author"]
---

MARKER
"""

ANNOTATION = re.compile(r"^::error file=(?P<file>[^,:\r\n]*),line=1,title=E501::(?P<message>[^\r\n]*)$", re.M)


def slow_site(root: Path, *, timeout: float = 2, workers: int = 0, case: str | None = None,
              page: str | None = None) -> Path:
    """The fixture site with the slow extension, a ``page_timeout`` and the given slow case or hand-written page."""
    site = make_site(root, {"mx-slow.md": SLOW_CASE.replace("MARKER", case)} if case else None)
    (site / "slow_extension.py").write_text(SLOW_EXTENSION, encoding="utf-8")
    config = (site / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("plugins:\n  - casebook\n",
                            f"plugins:\n  - casebook:\n      page_timeout: {timeout}\n      workers: {workers}\n")
    config = config.replace("markdown_extensions:\n", "markdown_extensions:\n  - slow_extension\n")
    assert "slow_extension" in config and "page_timeout" in config
    (site / "mkdocs.yml").write_text(config, encoding="utf-8")
    if page:
        (site / "docs" / "slow.md").write_text(f"# A slow page\n\n{page}\n", encoding="utf-8")
    return site


def processes_in(folder: Path) -> list[int]:
    """Processes (ours: a worker left behind would be one) whose working folder is ``folder``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if Path(os.readlink(entry / "cwd")) == folder.resolve():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


# --- The watchdog alone ------------------------------------------------------------------------------------------


def fake_page(source: str) -> SimpleNamespace:
    return SimpleNamespace(file=SimpleNamespace(edit_uri=source, src_uri=source))


def test_a_page_past_its_deadline_is_interrupted_with_its_file_named() -> None:
    watchdog = PageWatchdog(0.3)
    start = time.monotonic()
    try:
        with pytest.raises(PageTimeout) as raised:
            watchdog.start(fake_page("cases/slow.md"))
            while time.monotonic() - start < 30:
                pass
    finally:
        watchdog.close()
    assert time.monotonic() - start < 5
    assert str(raised.value).startswith(f"cases/slow.md:1: {PAGE_TIMEOUT} this page took longer than 0.3 s")


def test_pages_done_in_time_are_left_alone_and_no_limit_means_no_thread() -> None:
    watchdog = PageWatchdog(0.3)
    try:
        for _ in range(3):
            watchdog.start(fake_page("cases/fast.md"))
            time.sleep(0.2)
            watchdog.stop()
        time.sleep(0.5)  # a missed stop would raise here
    finally:
        watchdog.close()
    assert not any(t.name == "casebook-watchdog" for t in threading.enumerate())
    for limit in (None, 0):
        idle = PageWatchdog(limit)
        idle.start(fake_page("cases/x.md"))
        assert not any(t.name == "casebook-watchdog" for t in threading.enumerate())
        idle.close()


# --- Real builds ---------------------------------------------------------------------------------------------------


@pytest.mark.build
def test_a_slow_case_fails_the_build_naming_its_file(tmp_path: Path) -> None:
    site = slow_site(tmp_path / "site", case="SLOW-SPIN")
    start = time.monotonic()
    result = run_mkdocs(site, "build", "--strict")
    assert result.returncode == 1
    assert time.monotonic() - start < 60
    assert f"cases/mx-slow.md:1: {PAGE_TIMEOUT} this page took longer than 2 s to render" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (site / "site" / "cases" / "mx-slow" / "index.html").exists()


@pytest.mark.build
def test_a_slow_page_in_a_worker_process_is_taken_back_and_named(tmp_path: Path) -> None:
    # The last page of the site, the generated codebook, is the first one a worker takes (they go from the end).
    site = slow_site(tmp_path / "site", workers=2)
    (site / "slow-codebook").write_text("", encoding="utf-8")
    start = time.monotonic()
    result = run_mkdocs(site, "build", "--strict")
    assert result.returncode == 1
    assert time.monotonic() - start < 60
    assert (f"data/codebook.md:1: {PAGE_TIMEOUT} this page (one the plugin generates from the catalogue) took "
            "longer than 2 s to render") in result.stderr
    assert "Traceback" not in result.stderr
    # A worker spun first; after page_timeout seconds without a word from it, the main process took the page back
    # (and spun in its turn, under the watchdog).
    spun = (site / "spun.log").read_text(encoding="utf-8").split()
    assert spun[0].startswith("casebook-render-") and spun[-1] == "MainProcess", spun
    assert processes_in(site) == []  # no worker left spinning


@pytest.mark.build
def test_a_slow_hand_written_page_is_named_and_annotated_for_github(tmp_path: Path) -> None:
    site = slow_site(tmp_path / "site", page="SLOW-SPIN")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", NO_MKDOCS_2_WARNING="1", CASEBOOK_ANNOTATIONS="github")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=site, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert f"docs/slow.md:1: {PAGE_TIMEOUT} " in result.stderr
    annotations = ANNOTATION.findall(result.stdout)
    assert [file for file, _ in annotations] == ["docs/slow.md"]
    assert annotations[0][1].startswith("this page took longer than 2 s to render")
    # Without the variable, no annotation.
    assert "::error" not in run_mkdocs(site, "build", "--strict").stdout


@pytest.mark.build
def test_a_page_stuck_in_c_code_ends_the_process_after_the_grace_period(tmp_path: Path) -> None:
    site = slow_site(tmp_path / "site", case="SLOW-SLEEP", workers=2)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", NO_MKDOCS_2_WARNING="1")
    # MkDocs' own command line, with a grace period of one second instead of ten.
    runner = ("import sys; import casebook.adapter.watchdog as w; w.GRACE_SECONDS = 1.0; "
              "from mkdocs.__main__ import cli; sys.argv = ['mkdocs', 'build', '--strict']; cli()")
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-c", runner], cwd=site, env=env, capture_output=True, text=True,
                            timeout=300)
    assert time.monotonic() - start < 60
    assert result.returncode == 1
    assert f"cases/mx-slow.md:1: {PAGE_TIMEOUT} " in result.stderr
    assert "did not stop within 1 s of being interrupted; exiting" in result.stderr
    time.sleep(1)
    assert processes_in(site) == []


@pytest.mark.build
def test_mkdocs_serve_reports_a_slow_page_and_builds_the_fix(tmp_path: Path) -> None:
    site = slow_site(tmp_path / "site", case="An ordinary sentence.")
    case = site / "cases" / "mx-slow.md"
    server = MkDocsServer(site, tmp_path / "serve.log")
    url = f"http://127.0.0.1:{server.port}/casebook/cases/mx-slow/"  # under site_url's path

    def page() -> str:
        with urllib.request.urlopen(url, timeout=30) as response:
            return str(response.read().decode("utf-8"))

    try:
        server.wait_for("Serving on", timeout=120)
        assert "An ordinary sentence." in page()
        case.write_text(SLOW_CASE.replace("MARKER", "SLOW-SPIN"), encoding="utf-8")
        server.wait_for(f"cases/mx-slow.md:1: {PAGE_TIMEOUT} ", timeout=120)
        assert server.process.poll() is None
        # The rebuild was stopped, so the server watches again: the fix is built at once (MkDocs holds page
        # requests until a rebuild succeeds; without the watchdog the rebuild would spin for ten minutes).
        case.write_text(SLOW_CASE.replace("MARKER", "A sentence written after the fix."), encoding="utf-8")
        server.wait_for("Documentation built in", 2, timeout=120)
        assert "A sentence written after the fix." in page()
    finally:
        server.stop()


def test_the_pull_request_workflow_builds_with_annotations_on() -> None:
    import yaml

    from casebook.adapter.watchdog import ANNOTATIONS_ENV
    from support import REPO

    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pull-request.yml").read_text(encoding="utf-8"))
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    build = next(step for step in steps if step.get("run") == ".venv/bin/mkdocs build --strict")
    assert build["env"][ANNOTATIONS_ENV] == "github"
