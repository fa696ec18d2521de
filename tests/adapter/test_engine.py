"""The parallel renderer and the nav cache run only on the engine they were tested on (adapter/engine.py)."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from casebook.adapter import engine
from casebook.adapter.engine import MIRRORS, TESTED_ON, Mirror, engine_fits, mismatch, running_engine
from casebook.adapter.parallel import can_fork
from casebook.adapter.workers import PAGE_EVENTS, BuildWorkers, PageHooks
from support import REPO
from support.corpus import corpus, site_bytes

FALLBACK = "casebook: rendering pages serially, without the nav cache: "


# --- The record -------------------------------------------------------------------------------------

@pytest.mark.parametrize("mirror", MIRRORS, ids=[mirror.name for mirror in MIRRORS])
def test_each_private_function_the_adapter_mirrors_is_unchanged(mirror: Mirror) -> None:
    assert mirror.source_sha256() == mirror.sha256, (
        f"{mirror.name} changed: re-check {mirror.adapter} against it ({mirror.uses}), "
        "then record its new SHA-256 and the engine's version in adapter/engine.py"
    )


def test_the_running_engine_is_one_the_adapter_was_tested_on() -> None:
    name, version = running_engine()
    assert version in TESTED_ON.get(name, ()), (
        f"{name} {version} is not in adapter/engine.py's TESTED_ON: run tests/test_engine.py, "
        "tests/test_parallel.py and tests/test_navcache.py against it, then list it"
    )
    assert mismatch() is None


def test_the_pinned_mkdocs_is_a_tested_version() -> None:
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", (REPO / "requirements.lock").read_text("utf-8"), re.M))
    assert pins["mkdocs"] in TESTED_ON["mkdocs"]


# --- Both branches --------------------------------------------------------------------------------

def test_the_tested_engine_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    assert engine_fits()
    assert caplog.records == []


@pytest.mark.parametrize("detected", [("mkdocs", "1.7.0"), ("mkdocs", "1.6.0"), ("properdocs", "1.6.1")])
def test_another_engine_version_falls_back_with_one_info_line(
    detected: tuple[str, str], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(engine, "running_engine", lambda: detected)
    caplog.set_level(logging.DEBUG)
    assert not engine_fits()
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [(
        logging.INFO,
        f"{FALLBACK}the parallel renderer and the nav cache were tested on mkdocs 1.6.1, "
        f"not on {detected[0]} {detected[1]}",
    )]


def test_a_changed_private_function_falls_back_even_on_a_tested_version(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    # A patched or vendored MkDocs that still calls itself 1.6.1.
    changed = Mirror("mkdocs.commands.build", "_build_page", "0" * 64, "adapter/workers.py", "")
    monkeypatch.setattr(engine, "MIRRORS", (*MIRRORS, changed))
    caplog.set_level(logging.INFO)
    assert not engine_fits()
    assert [r.getMessage() for r in caplog.records] == [
        f"{FALLBACK}mkdocs.commands.build._build_page in mkdocs 1.6.1 is not the one adapter/workers.py "
        "was written against"
    ]


def test_a_missing_private_function_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    gone = Mirror("mkdocs.commands.build", "_build_pages", "0" * 64, "adapter/workers.py", "")
    monkeypatch.setattr(engine, "MIRRORS", (gone,))
    assert mismatch() == "mkdocs.commands.build._build_pages in mkdocs 1.6.1 is not the one adapter/workers.py " \
        "was written against"


def test_an_engine_installed_by_no_distribution_or_by_several_is_untested(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "_providers", lambda: ())
    assert running_engine() == ("an unknown mkdocs", "?")
    monkeypatch.setattr(engine, "_providers", lambda: ("mkdocs", "properdocs"))
    assert running_engine() == ("mkdocs + properdocs", "?")
    assert mismatch() is not None


def _refuse(*args: object, **kwargs: object) -> str:
    raise AssertionError("a hook or PluginCollection.events was used on an untested engine")


HOOKS = PageHooks(_refuse, _refuse, _refuse, _refuse)  # type: ignore[arg-type]


def test_without_a_fitting_engine_no_worker_is_forked_and_no_private_state_is_read() -> None:
    workers = BuildWorkers(HOOKS, 2, serving=False, dirty=False, engine_fits=False)
    assert workers.size(1000) == 0
    assert not workers.may_take_over(object(), PAGE_EVENTS)  # type: ignore[arg-type]


@pytest.mark.skipif(not can_fork(), reason="worker processes need fork")
def test_with_a_fitting_engine_the_setting_decides() -> None:
    workers = BuildWorkers(PageHooks(_refuse, _refuse, _refuse, lambda config, events: True),  # type: ignore[arg-type]
                           2, serving=False, dirty=False, engine_fits=True)
    assert workers.size(1000) == 2
    assert workers.may_take_over(object(), PAGE_EVENTS)  # type: ignore[arg-type]


# --- A real build on each branch ------------------------------------------------------------------

def build_here(site: Path) -> None:
    """``mkdocs build --strict`` in this process, so that the detected engine can be monkeypatched."""
    config = load_config(str(site / "mkdocs.yml"), strict=True)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    finally:
        config.plugins.on_shutdown()


def casebook_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    lines = [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.casebook"]
    caplog.clear()
    return lines


@pytest.mark.build
@pytest.mark.skipif(not can_fork(), reason="worker processes need fork")
def test_an_untested_engine_builds_the_same_site_serially_and_says_so_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    caplog.set_level(logging.DEBUG)
    sites = {}
    for name in ("tested", "untested"):
        site = corpus(tmp_path / name, 1)
        config = site / "mkdocs.yml"
        config.write_text(config.read_text("utf-8").replace("workers: 1", "workers: 1\n      search_index: false"),
                          encoding="utf-8")
        sites[name] = site

    build_here(sites["tested"])
    tested = casebook_lines(caplog)
    assert not [line for line in tested if line.startswith(FALLBACK)]
    assert any(re.match(r"casebook: [1-9]\d* of \d+ pages rendered by 1 worker", line) for line in tested)
    assert any(line.startswith("casebook: nav and tabs rendered") for line in tested)

    monkeypatch.setattr(engine, "running_engine", lambda: ("mkdocs", "1.7.0"))
    build_here(sites["untested"])
    untested = casebook_lines(caplog)
    assert [line for line in untested if line.startswith(FALLBACK)] == [
        f"{FALLBACK}the parallel renderer and the nav cache were tested on mkdocs 1.6.1, not on mkdocs 1.7.0"
    ]
    assert not [line for line in untested if "by a worker" in line or "worker process(es)" in line]
    assert not [line for line in untested if line.startswith("casebook: nav and tabs rendered")]

    built, expected = site_bytes(sites["untested"] / "site"), site_bytes(sites["tested"] / "site")
    assert built.keys() == expected.keys()
    assert [name for name in built if built[name] != expected[name]] == []
