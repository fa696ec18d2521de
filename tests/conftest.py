"""Fixtures and hooks only; the helpers tests import are in ``support``.

The hooks keep ``make test-fast`` fast: a test that runs MkDocs (``mkdocs build`` or ``mkdocs serve``, in a
subprocess or in this process) must be marked ``build`` or ``browser``, and fails, naming the marker, if it is not.
"""

from __future__ import annotations

import functools
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support import HOSTILE_FILES, make_site, run_mkdocs, without_repository_link
from support.browser import CHROMIUM, CHROMIUM_ARGS

# --- Fixtures ---------------------------------------------------------------------------------------------------


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium (Debian's), shared by the session's browser tests."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The fixture site plus every accepted hostile case, built (not --strict: they carry W203 warnings)."""
    from support.hostile import ACCEPTED, BIB_FOR_SITE

    site = make_site(tmp_path_factory.mktemp("hostile") / "site", {a.name: a.content for a in ACCEPTED})
    bib = HOSTILE_FILES / "bib"
    (site / "bibliography.bib").write_text("\n".join((bib / n).read_text(encoding="utf-8") for n in BIB_FOR_SITE))
    without_repository_link(site)
    result = run_mkdocs(site, "build")
    assert result.returncode == 0, result.stderr
    return site, result


# --- The guard of the fast loop ---------------------------------------------------------------------------------

#: Markers that let a test run MkDocs; ``make test-fast`` deselects both.
SLOW_MARKERS = ("build", "browser")

#: The test being set up, run or torn down.
_current: pytest.Item | None = None


def _refuse_if_unmarked(what: str) -> None:
    item = _current
    if item is None or any(item.get_closest_marker(name) for name in SLOW_MARKERS):
        return
    pytest.fail(
        f"{item.nodeid} runs {what} but is marked neither 'build' nor 'browser': add "
        "@pytest.mark.build (or pytestmark = pytest.mark.build in the module) so that 'make test-fast' leaves it out",
        pytrace=False,
    )


#: The engines a test may run: MkDocs, and those that follow it (tests/whole_site/test_engines.py).
ENGINES = ("mkdocs", "properdocs", "zensical")


def _mkdocs_command(args: Any) -> str | None:
    """The command line if a subprocess's ``args`` start ``mkdocs build`` or ``mkdocs serve`` (also as
    ``python -m mkdocs``, or with ProperDocs or Zensical for MkDocs), else None."""
    words = args.split() if isinstance(args, str) else [str(a) for a in args] if isinstance(args, list | tuple) else []
    names = [Path(word).name for word in words]
    engine = next((name for name in names if name in ENGINES), None)
    if engine is None or {"-h", "--help"} & set(words):
        return None
    if not {"build", "serve", "gh-deploy"} & set(names[names.index(engine) + 1:]):
        return None
    return " ".join(words)


_originals: dict[str, Any] = {}


def pytest_configure(config: pytest.Config) -> None:
    """Watch both ways a test can start MkDocs, before any test module is imported."""
    import mkdocs.commands.build

    popen_init = _originals["Popen.__init__"] = subprocess.Popen.__init__
    build = _originals["build"] = mkdocs.commands.build.build

    def watched_popen_init(self: subprocess.Popen[Any], args: Any, *rest: Any, **kwargs: Any) -> None:
        command = _mkdocs_command(args)
        if command is not None:
            _refuse_if_unmarked(f"'{command}'")
        popen_init(self, args, *rest, **kwargs)

    @functools.wraps(build)  # the engine check (adapter/engine.py) reads the wrapped function's source
    def watched_build(*args: Any, **kwargs: Any) -> Any:
        _refuse_if_unmarked("an in-process MkDocs build (mkdocs.commands.build.build)")
        return build(*args, **kwargs)

    subprocess.Popen.__init__ = watched_popen_init  # type: ignore[method-assign]
    mkdocs.commands.build.build = watched_build


def pytest_unconfigure(config: pytest.Config) -> None:
    import mkdocs.commands.build

    if _originals:
        subprocess.Popen.__init__ = _originals.pop("Popen.__init__")  # type: ignore[method-assign]
        mkdocs.commands.build.build = _originals.pop("build")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Remember the test being set up, run and torn down: fixtures build their sites in its setup."""
    global _current
    _current = item
    try:
        return (yield)
    finally:
        _current = None
