"""The Markdown extensions a site renders with, read from ``mkdocs.yml`` without MkDocs.

``casebook validate`` must parse a case body exactly as the build will: raw HTML nested in a
``??? note`` block (pymdownx.details) is HTML to the build, and it must be HTML to the validator too.
Both therefore take the extension list from the same place: the plugin from MkDocs' own configuration,
the command from ``mkdocs.yml`` (read here with a YAML loader that understands the tags MkDocs allows).
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

#: What the site renders with when no ``mkdocs.yml`` says otherwise (the project's own list).
DEFAULT_EXTENSIONS = (
    "toc", "tables", "fenced_code", "admonition", "footnotes", "pymdownx.details", "pymdownx.highlight",
    "pymdownx.superfences",
)
#: Extensions MkDocs always loads, whatever ``markdown_extensions`` says.
MKDOCS_BUILTINS = ("toc", "tables", "fenced_code")


@dataclass(frozen=True)
class MarkdownSetup:
    """Extension names in order, and the options of those that have any."""

    extensions: tuple[str, ...] = DEFAULT_EXTENSIONS
    configs: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False, hash=False)
    #: Extension objects the build adds after the named ones (the citation extension): the validator's parse
    #: adds them too, so that it costs what the build's will (``markup.py``).
    added: tuple[Any, ...] = field(default=(), compare=False, hash=False)

    @classmethod
    def from_list(cls, entries: Any) -> MarkdownSetup:
        """From ``markdown_extensions`` as written in ``mkdocs.yml``: names, or one-key mappings of options."""
        names: list[str] = list(MKDOCS_BUILTINS)
        configs: dict[str, dict[str, Any]] = {}
        for name, options in named_entries(entries if isinstance(entries, list) else []):
            if name not in names:
                names.append(name)
            if isinstance(options, dict):
                configs[name] = options
        return cls(tuple(names), configs)


def named_entries(value: Any) -> list[tuple[str, Any]]:
    """(name, options) of each entry of a ``mkdocs.yml`` list of names and one-key mappings (``plugins``,
    ``markdown_extensions``), or of a mapping of names to options; options are None for a bare name. Entries of
    any other form are left out (MkDocs reports them)."""
    if isinstance(value, dict):
        pairs = list(value.items())
    elif isinstance(value, list):
        pairs = [(e, None) if isinstance(e, str) else next(iter(e.items())) if isinstance(e, dict) and len(e) == 1
                 else (None, None) for e in value]
    else:
        return []
    return [(name, options) for name, options in pairs if isinstance(name, str)]


class _MkDocsYamlLoader(yaml.SafeLoader):
    """Safe YAML plus the tags MkDocs accepts in its configuration (``!ENV``, ``!relative``, python names)."""


def _env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return os.environ.get(str(loader.construct_scalar(node)))
    values = loader.construct_sequence(node)  # type: ignore[arg-type]
    for name in values[:-1]:
        if str(name) in os.environ:
            return os.environ[str(name)]
    return values[-1] if values else None


def _relative(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    return loader.construct_scalar(node)  # type: ignore[arg-type]


def _python_name(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    # The maintainers' mkdocs.yml names a function (an emoji index, a slugify); MkDocs imports it the same way.
    module, _, name = suffix.rpartition(".")
    return getattr(importlib.import_module(module), name)


_MkDocsYamlLoader.add_constructor("!ENV", _env)
_MkDocsYamlLoader.add_constructor("!relative", _relative)
_MkDocsYamlLoader.add_multi_constructor("tag:yaml.org,2002:python/name:", _python_name)


def read_project_file(root: Path) -> dict[str, Any] | None:
    """``root/mkdocs.yml`` as a mapping; None when there is no readable one (the build reports a broken file)."""
    config = root / "mkdocs.yml"
    if not config.is_file() or config.is_symlink():
        return None
    try:
        data = yaml.load(config.read_text(encoding="utf-8"), Loader=_MkDocsYamlLoader)  # noqa: S506 - safe loader
    except (yaml.YAMLError, ImportError, AttributeError, UnicodeDecodeError, OSError):
        return None
    return data if isinstance(data, dict) else None


def read_markdown_setup(root: Path) -> MarkdownSetup:
    """The extensions ``root/mkdocs.yml`` lists; the project's defaults when there is no readable file."""
    data = read_project_file(root)
    return MarkdownSetup() if data is None else MarkdownSetup.from_list(data.get("markdown_extensions", []))
