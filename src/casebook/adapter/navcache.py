"""The nav drawer and the tabs of pages outside the nav, rendered once and reused.

Material renders the whole nav (the drawer and the tabs) into every page. For a page no nav entry
marks active, that markup depends on the page only through the links to the nav's entries, which
are relative to the page: every case page of a site (``cases/<slug>/``) gets the same bytes. The
plugin's ``partials/nav.html`` and ``partials/tabs.html`` (through ``partials/casebook-nav-cache.html``)
ask ``NavKey`` for such a page and keep the markup Material's own partial rendered for the first page
with that key; a page in the nav (an active entry), or any page when another plugin has a hook on
templates (it may change what they see), is rendered by Material's partial every time. At 1,000
synthetic cases this halves the time pages spend in the theme's template.

Every build wraps the loader ``Theme.get_env`` made, since the plugin's partials include the theme's
own; the plugin asks for the cache as well (``cache=True``) only on an engine ``engine.py`` lists as
tested, and only while no other plugin has a hook on templates.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.utils import normalize_url

#: The prefix under which the theme's templates are found past the plugin's own overrides.
THEME_PREFIX = "casebook-theme"


def _entries(items: list[Any]) -> Iterator[Any]:
    for item in items:
        yield item
        yield from _entries(getattr(item, "children", None) or [])


class NavKey:
    """What the nav's markup depends on for a page: None if the nav marks it (or its section) active."""

    def __init__(self, config: MkDocsConfig) -> None:
        extra: dict[str, Any] = dict(config.extra or {})
        self.homepage = extra.get("homepage")
        self.urls: tuple[str, ...] = ()
        self.nav: Any = None
        #: For the debug log: the partials asked for, and (the cache's size) those Material's partials rendered.
        self.asked = 0
        self.cache: dict[tuple[str, ...], str] = {}

    @property
    def rendered(self) -> int:
        return len(self.cache)

    def __call__(self, part: str, page: Any, nav: Any) -> tuple[str, ...] | None:
        self.asked += 1
        if page is None or nav is None or any(getattr(item, "active", False) for item in nav.items):
            return None
        if nav is not self.nav:  # one nav per build
            homepage = self.homepage or (nav.homepage.url if nav.homepage is not None else "")
            self.urls = (str(homepage), *(str(e.url) for e in _entries(nav.items) if getattr(e, "url", None)))
            self.nav = nav
        return (part, *(normalize_url(url, page) for url in self.urls))


def install_nav_cache(env: Any, config: MkDocsConfig, own_templates: str, *, cache: bool) -> NavKey | None:
    """Make the theme's own partials reachable past the plugin's, and (if ``cache``) the cache the plugin's use."""
    theme_dirs = [d for d in config.theme.dirs if d != own_templates]
    env.loader = ChoiceLoader([env.loader, PrefixLoader({THEME_PREFIX: FileSystemLoader(theme_dirs)})])
    if not cache:  # each build has a new environment: without the key, the partials render Material's own
        return None
    key = NavKey(config)
    env.globals["casebook_nav_key"] = key
    env.globals["casebook_nav_cache"] = key.cache
    return key
