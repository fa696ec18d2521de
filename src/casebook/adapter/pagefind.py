"""Running the Pagefind indexer after a build (or in the background under ``mkdocs serve``).

Pagefind splits its index into chunks so a query fetches only what it needs; what each page tells it
is ``casebook.site.searchmarkup``'s.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from casebook.adapter.pagefind_bundle import normalise
from casebook.core.problems import Problem, error
from casebook.site.searchmarkup import EXCLUDE_SELECTORS

#: Where the bundle goes inside the site; search.js and explore.js load ``pagefind/pagefind.js`` from it.
BUNDLE = "pagefind"


def run_pagefind(site_dir: Path) -> list[Problem]:
    """Index ``site_dir`` in place (bundle in ``site_dir/pagefind``); problems if the indexer fails.

    Pagefind runs once every page is written. Feeding it each page as MkDocs writes it (Pagefind's
    Python API, ``pagefind --service``, from ``on_post_page``) was measured at 1,000 synthetic cases
    and is not faster: MkDocs writes pages only in the last few seconds of a build (it renders every
    page's Markdown first), the service indexes one page at a time where the command line uses every
    core, and page writing slows down while the service runs. Alone, on two shared cores, the
    command line indexed that site in 16-20 s and the service in 27-30 s (and 5 s more Python CPU).
    """
    try:
        result = subprocess.run(pagefind_command(site_dir), capture_output=True, text=True, timeout=TIMEOUT,
                                check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [error("pagefind", 1, "E401", f"search index not built: {exc}")]
    return finish(site_dir, result.returncode, result.stdout, result.stderr)


#: Seconds Pagefind may take before it is stopped and the index reported as not built.
TIMEOUT = 900


def pagefind_command(site_dir: Path) -> list[str]:
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", BUNDLE, "--quiet"]
    for selector in EXCLUDE_SELECTORS:
        command += ["--exclude-selectors", selector]
    return command


def finish(site_dir: Path, returncode: int, stdout: str, stderr: str) -> list[Problem]:
    """After Pagefind has run: its failure as a problem, or the bundle made reproducible."""
    if returncode != 0:
        detail = (stderr or stdout).strip().splitlines()
        reason = detail[-1] if detail else f"exit status {returncode}"
        hint = " (install the pinned 'pagefind[extended]' package)" if "No module named" in reason else ""
        return [error("pagefind", 1, "E401", f"search index not built: {reason}{hint}")]
    try:
        normalise(site_dir / BUNDLE)
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        return [error("pagefind", 1, "E402", f"search index written but not made reproducible: {exc}")]
    return []


class BackgroundIndex:
    """Pagefind indexing a built site while ``mkdocs serve`` already serves its pages.

    Under ``mkdocs serve`` the pages matter at once and search can follow: the build returns as soon
    as the pages are written, and the index appears a few seconds later (until then the search box
    says search is not available, and tries again on the next query). The next build stops a run
    that is still going before MkDocs empties the site folder. Problems go to ``report`` as they
    would in a build.
    """

    def __init__(self, site_dir: Path, report: Callable[[Problem], None]) -> None:
        self.site_dir = site_dir
        self.stopped = False
        self.problems: list[Problem] = []
        self.started = time.monotonic()
        self.seconds: float | None = None  # how long indexing took, once done
        try:
            self.process: subprocess.Popen[str] | None = subprocess.Popen(
                pagefind_command(site_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        except OSError as exc:
            self.process = None
            self.problems = [error("pagefind", 1, "E401", f"search index not built: {exc}")]
            for problem in self.problems:
                report(problem)
        self.thread = threading.Thread(target=self._wait, args=(report,), daemon=True, name="casebook-pagefind")
        self.thread.start()

    def _wait(self, report: Callable[[Problem], None]) -> None:
        if self.process is None:
            return
        try:
            stdout, stderr = self.process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
            problems = [error("pagefind", 1, "E401", f"search index not built: no result after {TIMEOUT} s")]
        else:
            problems = [] if self.stopped else finish(self.site_dir, self.process.returncode, stdout, stderr)
        self.seconds = time.monotonic() - self.started
        if not self.stopped:
            self.problems = problems
            for problem in problems:
                report(problem)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the index; whether it is done."""
        self.thread.join(timeout)
        return not self.thread.is_alive()

    def stop(self) -> None:
        """Stop indexing (the site it indexes is about to be replaced) and wait until nothing runs."""
        self.stopped = True
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        self.thread.join(timeout=60)
