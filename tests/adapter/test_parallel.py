"""Pages rendered by worker processes: the same site, the same warnings, and the main process takes over on failure."""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path

import pytest

from casebook.adapter import parallel
from casebook.adapter.parallel import RenderPool, can_fork, replay
from casebook.adapter.workers import Rendered
from support import build
from support.corpus import corpus, site_bytes
from support.serve import MkDocsServer

pytestmark = pytest.mark.skipif(not can_fork(), reason="worker processes need fork")

KEYS = [f"page-{i:02d}" for i in range(40)]


def drive(pool: RenderPool, keys: list[str], *, pause: float = 0.0) -> dict[str, object]:
    """What the main process does: each key in order, rendered here unless a worker has it."""
    out: dict[str, object] = {}
    for key in keys:
        if pool.claim(key):
            out[key] = ("main", key.upper())
        else:
            done = pool.result(key)
            out[key] = ("main", key.upper()) if done is None else ("worker", done[1])
        time.sleep(pause)
    return out


def slow_upper(key: str) -> str:
    time.sleep(0.005)
    return key.upper()


def test_every_key_rendered_once_from_both_ends() -> None:
    pool = RenderPool(KEYS, slow_upper, workers=1)
    try:
        out = drive(pool, KEYS, pause=0.01)
    finally:
        taken = pool.close()
    assert {key: value[1] for key, value in out.items()} == {key: key.upper() for key in KEYS}
    by_worker = [key for key, value in out.items() if value[0] == "worker"]
    assert taken == len(by_worker) > 0
    # The worker goes from the end: what it took is a run at the end of the list.
    assert by_worker == KEYS[len(KEYS) - len(by_worker):]


def failing(key: str) -> str:
    if key == "page-39":
        raise ValueError("cannot render this one")
    if key == "page-38":
        os._exit(3)  # the worker dies with page-38 claimed
    return key.upper()


def test_a_failed_or_crashed_worker_leaves_its_pages_to_the_main_process() -> None:
    pool = RenderPool(KEYS, failing, workers=1)
    try:
        time.sleep(0.5)  # let the worker claim the last pages and fail on them
        assert not pool.claim("page-39") and pool.result("page-39") is None
        assert not pool.claim("page-38") and pool.result("page-38") is None  # returns, does not hang
        out = drive(pool, KEYS[:38])
    finally:
        pool.close()
    assert all(value == ("main", key.upper()) for key, value in out.items())
    assert not pool.processes[0].is_alive()


def stuck(key: str) -> str:
    time.sleep(600)
    return key


def test_a_stuck_worker_is_stopped_and_its_page_left_to_the_main_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "STALL_SECONDS", 1.0)
    pool = RenderPool(["a", "b"], stuck, workers=1)
    try:
        time.sleep(0.3)
        assert not pool.claim("b")
        started = time.monotonic()
        assert pool.result("b") is None
        assert time.monotonic() - started < 10
        assert not pool.processes[0].is_alive()
        assert pool.claim("a")
    finally:
        pool.close()


def logs_a_warning(key: str) -> str:
    logging.getLogger("mkdocs.structure.pages").warning("Doc file '%s' contains a link 'x.md'", key)
    return key


def test_a_workers_log_records_come_back_and_are_logged_here(caplog: pytest.LogCaptureFixture) -> None:
    pool = RenderPool(["only"], logs_a_warning, workers=1)
    try:
        time.sleep(0.3)
        assert not pool.claim("only")
        done = pool.result("only")
    finally:
        pool.close()
    assert done is not None
    records, value = done
    assert value == "only"
    assert [r.getMessage() for r in records] == ["Doc file 'only' contains a link 'x.md'"]
    with caplog.at_level(logging.WARNING):
        replay(records)
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        ("mkdocs.structure.pages", logging.WARNING, "Doc file 'only' contains a link 'x.md'")
    ]


def test_rendered_carries_file_keys_by_source_path() -> None:
    class File:
        def __init__(self, src_uri: str) -> None:
            self.src_uri = src_uri

    class Files:
        def __init__(self, *names: str) -> None:
            self.by_uri = {name: File(name) for name in names}

        def get_file_from_path(self, src_uri: str) -> File:
            return self.by_uri[src_uri]

    class Page:
        content = "<p>x</p>"
        markdown = "x"
        meta = {"title": "X"}
        toc: list[object] = []
        _title_from_render = "X"
        present_anchor_ids = {"a"}

    there = Files("a.md")
    Page.links_to_anchors = {there.by_uri["a.md"]: {"a": "a.md#a"}}  # type: ignore[attr-defined]
    rendered = Rendered.of(Page())
    assert rendered.links_to_anchors == {"a.md": {"a": "a.md#a"}}
    here = Files("a.md")
    page = Page()
    rendered.apply(page, here)
    assert page.links_to_anchors == {here.by_uri["a.md"]: {"a": "a.md#a"}}  # type: ignore[attr-defined]


# --- Real builds --------------------------------------------------------------------------------

def log_lines(stderr: str) -> list[str]:
    """The log without the lines that name the folder or the time taken."""
    return [line for line in stderr.splitlines()
            if "Documentation built in" not in line and "Building documentation to" not in line]


@pytest.mark.build
def test_worker_processes_build_the_same_site_byte_for_byte(tmp_path: Path) -> None:
    serial = build(corpus(tmp_path / "serial", 0))
    parallel = build(corpus(tmp_path / "parallel", 1), "--verbose")
    assert serial.returncode == 0, serial.stderr[-2000:]
    assert parallel.returncode == 0, parallel.stderr[-2000:]
    taken = re.search(r"casebook: (\d+) of (\d+) pages rendered by 1 worker", parallel.stderr)
    assert taken is not None and int(taken.group(1)) > 0
    filled = re.search(r"casebook: (\d+) of (\d+) pages put into the template by 1 worker", parallel.stderr)
    assert filled is not None and int(filled.group(1)) > 0
    assert "casebook: 150 references formatted by a worker process" in parallel.stderr
    assert site_bytes(tmp_path / "serial" / "site") == site_bytes(tmp_path / "parallel" / "site")


@pytest.mark.build
def test_a_warning_on_a_page_a_worker_rendered_fails_strict_as_in_a_serial_build(tmp_path: Path) -> None:
    serial = build(corpus(tmp_path / "serial", 0, broken_links=True))
    parallel = build(corpus(tmp_path / "parallel", 1, broken_links=True))
    assert serial.returncode == parallel.returncode == 1
    # Each broken link twice: the plugin's W205, before rendering, and MkDocs' own, from the worker that rendered it.
    assert "Aborted with 28 warnings in strict mode!" in parallel.stdout + parallel.stderr
    assert parallel.stderr.count("contains a link 'nowhere.md'") == 14
    assert parallel.stderr.count(" W205 warning: link 'nowhere.md' goes to 'cases/nowhere.md'") == 14
    assert log_lines(parallel.stderr) == log_lines(serial.stderr)


@pytest.mark.build
def test_mkdocs_serve_rebuilds_with_workers_beside_the_servers_threads(tmp_path: Path) -> None:
    """A rebuild under `mkdocs serve` forks workers while the HTTP server and file watcher run."""
    import urllib.request

    site = corpus(tmp_path / "serve", 1)
    server = MkDocsServer(site, tmp_path / "serve.log", "-v")
    port = server.port
    try:
        server.wait_for("Serving on")
        case = sorted((site / "cases").glob("*.md"))[-1]  # rendered by the worker, going from the end
        case.write_text(case.read_text("utf-8") + "\nA sentence added while serving.\n", encoding="utf-8")
        log = server.wait_for("Documentation built in", 2)
        url = f"http://127.0.0.1:{port}/cases/{case.stem}/"
        with urllib.request.urlopen(url, timeout=30) as response:
            assert "A sentence added while serving." in response.read().decode("utf-8")
        # The search index follows in the background.
        deadline = time.monotonic() + 120
        while True:
            try:
                entry_url = f"http://127.0.0.1:{port}/pagefind/pagefind-entry.json"
                with urllib.request.urlopen(entry_url, timeout=30) as entry:
                    assert b'"languages"' in entry.read()
                    break
            except OSError:
                assert time.monotonic() < deadline, "no search index after the rebuild"
                time.sleep(0.5)
        log = server.log()
        assert "building the search index in the background" in log
        builds = re.findall(r"casebook: (\d+) of \d+ pages rendered by 1 worker", log)
        assert len(builds) == 2 and int(builds[1]) > 0, log[-3000:]
        assert "Traceback" not in log and "DeprecationWarning" not in log
    finally:
        server.stop()
