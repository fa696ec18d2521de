"""``on_config``'s work: refuse what ``mkdocs.yml`` may not turn on, adjust what the plugin needs, make the state.

Refused, each with the reason: Markdown extensions and plugins that let page text read files or run
templates, theme features that turn page text into HTML or load outside scripts (``site/csp.py``), a
``site_dir`` that overlaps the content, and an incomplete discussion setting. Adjusted: heading ids never
take one the theme or the plugin uses, tables align by attribute (the sanitizer removes ``style``), the
citation extension and the linear-time link processors are added once, and the plugin's templates,
stylesheets and scripts are put in place. Read: the levels of ``validation:`` for links, which the check of
contributed links (``site/sitelinks.py``) follows.
"""

from __future__ import annotations

import logging
from pathlib import Path

from markdown.extensions.toc import slugify as toc_slugify
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from casebook.adapter.config import CasebookConfig
from casebook.adapter.state import BuildState
from casebook.catalogue import Settings
from casebook.citations.inline import CitationExtension, CitationState
from casebook.core.ids import guarded_slugify
from casebook.core.linearinline import LinearInlineExtension
from casebook.core.linkcheck import LinkLevels
from casebook.core.markdownsetup import MarkdownSetup
from casebook.site.community import Discussion, check_discussion
from casebook.site.csp import unsafe_theme_settings
from casebook.site.sanitize import unsafe_settings

PACKAGE = Path(__file__).resolve().parents[1]
TEMPLATES = PACKAGE / "templates"
ASSETS = PACKAGE / "assets"
#: Stylesheets and scripts the plugin ships, served under assets/casebook/.
EXTRA_CSS = ["casebook.css", "print.css"]
EXTRA_JS = ["sortable.js", "search.js"]
#: Scripts shipped but loaded only by the pages that use them.
PAGE_JS = ["dom.js", "explore.js", "explore-select.js", "compare.js"]


def configure(config: MkDocsConfig, options: CasebookConfig) -> BuildState:
    """Check and adjust ``config`` for the plugin, and return the new build's state."""
    root = Path(config.config_file_path or ".").resolve().parent
    settings = Settings(
        root=root, cases_dir=options.cases_dir, taxonomy_dir=options.taxonomy_dir,
        bibliography=options.bibliography, briefs_dir=options.briefs_dir, uncited=options.uncited,
        links=link_levels(config),
    )
    _refuse_unsafe(config)
    _check_site_dir(config, settings)
    for name in ("toc", "markdown.extensions.toc"):
        if name in config.markdown_extensions:
            # No heading id may be one the theme or the plugin uses (ids.py): "## __config" would otherwise
            # replace the theme's configuration.
            toc = config.mdx_configs.setdefault(name, {})
            toc["slugify"] = guarded_slugify(toc.get("slugify", toc_slugify))
    if "tables" in config.markdown_extensions:
        # Alignment as align="..." rather than style="...": the sanitizer removes every style attribute.
        config.mdx_configs.setdefault("tables", {}).setdefault("use_align_attribute", True)
    # One citation extension per build; it gets the author-year labels once the bibliography is read. Then,
    # last, the linear-time link processors in place of Python-Markdown's (core/linearinline.py).
    citations = CitationState()
    config.markdown_extensions = [ext for ext in config.markdown_extensions
                                  if not isinstance(ext, CitationExtension | LinearInlineExtension)]
    config.markdown_extensions += [CitationExtension(citations), LinearInlineExtension()]
    settings.markdown = MarkdownSetup(
        tuple(e for e in config.markdown_extensions if isinstance(e, str)),
        {name: dict(values) for name, values in config.mdx_configs.items()},
    )
    discussion = Discussion.from_options(options.discussion)
    for message in check_discussion(discussion):
        raise PluginError(f"casebook: {message}")
    # Our template overrides come after a site's custom_dir and before the theme's own.
    if str(TEMPLATES) not in config.theme.dirs:
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(TEMPLATES))
    for name in EXTRA_CSS:
        if f"assets/casebook/{name}" not in config.extra_css:
            config.extra_css.append(f"assets/casebook/{name}")
    for name in EXTRA_JS:
        if f"assets/casebook/{name}" not in [str(s) for s in config.extra_javascript]:
            config.extra_javascript.append(f"assets/casebook/{name}")
    return BuildState(settings=settings, markdown=settings.markdown, discussion=discussion, citations=citations)


def link_levels(config: MkDocsConfig) -> LinkLevels:
    """``validation.links`` as MkDocs read it (log levels), in the words of ``mkdocs.yml``."""
    links = config.validation.links
    words = {}
    for name in ("not_found", "absolute_links", "unrecognized_links", "anchors"):
        level = links[name]
        words[name] = "relative_to_docs" if level < 0 else "warn" if level >= logging.WARNING \
            else "info" if level >= logging.INFO else "ignore"
    return LinkLevels(**words)


def _refuse_unsafe(config: MkDocsConfig) -> None:
    extensions = [e for e in config.markdown_extensions if isinstance(e, str)]
    unsafe = unsafe_settings(extensions, list(config.plugins))
    if unsafe:
        raise PluginError(
            f"casebook: {', '.join(unsafe)} would let case files read other files or run templates; "
            "remove it from mkdocs.yml"
        )
    unsafe_theme = unsafe_theme_settings(
        [str(f) for f in config.theme.get("features", []) or []],
        dict(config.extra or {}),
        list(config.mdx_configs.get("pymdownx.superfences", {}).get("custom_fences", []) or []),
        [str(s) for s in config.extra_javascript],
    )
    if unsafe_theme:
        raise PluginError(
            "casebook: mkdocs.yml turns on what would let page text run as script or load outside code: "
            + "; ".join(unsafe_theme) + ". Remove it (see CONTRIBUTING.md, Security)."
        )


def _check_site_dir(config: MkDocsConfig, settings: Settings) -> None:
    # A build empties site_dir first: it must not hold the content it is built from.
    site_dir = Path(config.site_dir).resolve()
    for name in (settings.cases_dir, settings.taxonomy_dir, settings.bibliography, settings.briefs_dir):
        source = (settings.root / name).resolve()
        if source == site_dir or source.is_relative_to(site_dir) or site_dir.is_relative_to(source):
            raise PluginError(f"casebook: site_dir '{config.site_dir}' overlaps '{name}'; build elsewhere")
