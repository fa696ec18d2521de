"""The engine versions the adapter's copies of MkDocs' private build steps were tested on, and whether this is one.

``workers.py`` does what MkDocs' private ``_populate_page`` and ``_build_page`` do, in the order ``build``
calls them; it sets ``config._current_page``, carries what ``Page.render`` leaves on a page (down to
``page._title_from_render``), calls ``get_context`` and reads ``PluginCollection.events``. ``navcache.py`` wraps
the template loader ``Theme.get_env`` makes. None of that is MkDocs' public API: a release may change it
without an error anywhere, and pages would then differ from a serial build's without anyone noticing.

So the parallel renderer and the nav cache run only when both of these hold, and otherwise the build renders
serially, without the nav cache, and says why in one info line (the site is byte for byte the same either way:
``tests/adapter/test_parallel.py``, ``tests/adapter/test_navcache.py``; only the time differs):

- the distribution that provides the ``mkdocs`` package, and its version, are listed in ``TESTED_ON``;
- the source of each function in ``MIRRORS`` hashes to the SHA-256 recorded there.

Each alone would be weaker. A version number does not tell a patched or vendored MkDocs from the release.
Hashes cover only the functions listed, not the rest of the engine that the workers rely on around them
(what a ``Page`` or a ``File`` carries, Material on top): a release whose listed functions are unchanged is
still untested until someone runs the tests on it and lists it.

``tests/adapter/test_engine.py`` recomputes every hash, one assertion per function, and names the one that changed
and the adapter module to re-check against it. To support a new release: install it, run that test, re-read
the adapter's copy of each function it names against the new source, then record the new hashes and the
version here. ``MIRRORS`` holds one source per function, because the adapter mirrors one: a release whose
sources differ replaces the hashes, and the versions whose sources no longer match drop out of ``TESTED_ON``.
ProperDocs, a fork of MkDocs 1.6, answers for ``mkdocs`` (its command maps every ``mkdocs`` import to
``properdocs``): it is found as itself, is not listed, and renders serially; ``tests/whole_site/test_engines.py``
checks that its site is MkDocs' byte for byte, the generator tag aside.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import logging
from dataclasses import dataclass
from functools import cache
from importlib import metadata

log = logging.getLogger("mkdocs.plugins.casebook")

#: The import package the adapter runs on, and the distributions (and their versions) it was tested with.
ENGINE_PACKAGE = "mkdocs"
TESTED_ON: dict[str, tuple[str, ...]] = {"mkdocs": ("1.6.1",)}  # as pinned in requirements.lock


@dataclass(frozen=True)
class Mirror:
    """A private function or method of the engine that an adapter module copies or relies on."""

    module: str
    qualname: str
    #: SHA-256 of ``inspect.getsource`` of it, in the engine versions of ``TESTED_ON``.
    sha256: str
    #: The adapter module to re-check when it changes.
    adapter: str
    #: What in that module copies it or depends on it.
    uses: str

    @property
    def name(self) -> str:
        return f"{self.module}.{self.qualname}"

    def source_sha256(self) -> str:
        """The SHA-256 of the running engine's source of this function (OSError, AttributeError... if none)."""
        target: object = importlib.import_module(self.module)
        for part in self.qualname.split("."):
            target = getattr(target, part)
        return hashlib.sha256(inspect.getsource(target).encode("utf-8")).hexdigest()  # type: ignore[arg-type]


MIRRORS = (
    Mirror("mkdocs.commands.build", "build",
           "c476b64474acfaa20c08fdedc074238c6521bf320263065ee7de983ebf2032f9",
           "adapter/workers.py", "start_rendering, start_templates: which pages, in which order, after which event"),
    Mirror("mkdocs.commands.build", "_populate_page",
           "31a70ea4caef1e127a9d65a0f346ee322bad00d673ef824d82acf807e61d91c2",
           "adapter/workers.py", "BuildWorkers._render"),
    Mirror("mkdocs.commands.build", "_build_page",
           "adcdbd14b236112697cafec9171bd281981f15a776e0d2f941a62e7bffd9a0d5",
           "adapter/workers.py", "BuildWorkers._fill_template, DRAFT_MARKER"),
    Mirror("mkdocs.commands.build", "get_context",
           "4b4bf8a076edc4a6db12bd98dd89ca78fa6db41608f96634fee1e1ecc5d2b511",
           "adapter/workers.py", "BuildWorkers._fill_template"),
    Mirror("mkdocs.structure.pages", "Page.__init__",
           "fa0bb890179b7375f088511730471a06608852f3674ea1a37a806fbb4bbd828d",
           "adapter/workers.py", "Rendered: the state a page carries"),
    Mirror("mkdocs.structure.pages", "Page.render",
           "320529348f7a8af152073d0a3ab02960ccce91f9204716144e51b20931983cc6",
           "adapter/workers.py", "Rendered: what rendering leaves on a page"),
    Mirror("mkdocs.plugins", "PluginCollection._register_event",
           "6730d24b5fddbf3a4cd20fed48cb3d69888535466b6beecdf96df25d5b3e1392",
           "adapter/workers.py", "alone_on reads PluginCollection.events"),
    Mirror("mkdocs.plugins", "PluginCollection.run_event",
           "6dc8fe42f65176cd95793232fbce43dd14330bf4c01d3fa399407a551dabe1e0",
           "adapter/workers.py", "alone_on reads PluginCollection.events"),
    Mirror("mkdocs.theme", "Theme.get_env",
           "9c26120fb96f9204cb08fe133317f0badb6f9725833c414bd685c6fac9905c83",
           "adapter/navcache.py", "install_nav_cache wraps its loader"),
)


def engine_package() -> str:
    """The import package that answers for ``mkdocs``: itself, or a fork's that stands in for it (``properdocs``)."""
    return importlib.import_module(ENGINE_PACKAGE).__name__.partition(".")[0]


@cache
def _providers() -> tuple[str, ...]:
    # Reads every installed distribution's file list once per process (tens of milliseconds).
    return tuple(sorted(set(metadata.packages_distributions().get(engine_package(), []))))


def running_engine() -> tuple[str, str]:
    """The distribution that provides the running ``mkdocs`` package (``mkdocs``, ``properdocs``...) and its
    version."""
    providers = _providers()
    if len(providers) != 1:  # none known (not installed as a distribution), or several writing into one package
        name = " + ".join(providers) or f"an unknown {ENGINE_PACKAGE}"
        return name, "?"
    return providers[0], metadata.version(providers[0])


def tested_versions() -> str:
    return ", ".join(f"{name} {version}" for name, versions in TESTED_ON.items() for version in versions)


def mismatch() -> str | None:
    """Why the running engine is not one the adapter's copies of its private steps were tested on; None if it is."""
    name, version = running_engine()
    if version not in TESTED_ON.get(name, ()):
        return f"the parallel renderer and the nav cache were tested on {tested_versions()}, not on {name} {version}"
    for mirror in MIRRORS:
        try:
            if mirror.source_sha256() == mirror.sha256:
                continue
        except Exception:  # noqa: BLE001 - gone, renamed, or no source to read: not the function mirrored
            pass
        return f"{mirror.name} in {name} {version} is not the one {mirror.adapter} was written against"
    return None


def engine_fits() -> bool:
    """Whether the parallel renderer and the nav cache may run in this build; if not, one info line says why."""
    reason = mismatch()
    if reason is not None:
        log.info(f"casebook: rendering pages serially, without the nav cache: {reason}")
    return reason is None
