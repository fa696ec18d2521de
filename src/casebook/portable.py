"""The catalogue as plain Markdown, buildable by any MkDocs-compatible engine without the plugin.

MkDocs 1.x is in maintenance mode and engines that follow it (ProperDocs, Zensical) may not run
MkDocs plugins. :func:`write_portable_site` writes each published case as an ordinary Markdown page
with its front-matter, a home page listing the cases, and a ``mkdocs.yml`` that names no plugin
beyond the built-in search, so the case texts stay usable whatever builds the site.

Each page's front-matter has two keys. ``case`` holds the validated front-matter of the case,
unchanged; it sits under its own key so that no engine takes one of its fields for a setting of
its own (Material reads ``status``, for one). ``title`` is the case's title HTML-escaped, because
MkDocs themes print a page's title into ``<title>`` and the navigation without escaping it.

Values are re-serialised as JSON, which is also YAML: every string is double-quoted (``NO`` stays
Norway, ``2007-01-01`` stays text, in YAML 1.1 and 1.2 alike) and characters that a YAML reader
would take as line breaks or refuse are written as ``\\uXXXX`` escapes.
"""

from __future__ import annotations

import html
import json
import re
import string
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from .catalogue import Catalogue
from .model import Case

_PLAIN_KEY = re.compile(r"[a-z_][a-z0-9_]*")
#: Words YAML 1.1 reads as booleans or null even as keys; such keys are quoted.
_YAML11_WORDS = frozenset({"y", "yes", "n", "no", "true", "false", "on", "off", "null"})
#: ASCII punctuation written as character references in Markdown text: each may start some
#: extension's syntax (emphasis, links, tables, strikethrough, maths...); a reference never does.
_MARKDOWN_SPECIAL = set(string.punctuation) - set(",.?'")

#: Markdown extensions of the portable site: the ones case bodies may use, all bundled with
#: Python-Markdown or pymdown-extensions (a dependency of Material).
MARKDOWN_EXTENSIONS: list[Any] = [
    {"toc": {"permalink": True}},
    "tables",
    "admonition",
    "footnotes",
    "pymdownx.details",
    "pymdownx.superfences",
]

#: Site settings copied from the project's mkdocs.yml when they are plain strings.
_COPIED_SETTINGS = ("site_name", "site_description", "site_url", "repo_url", "edit_uri", "copyright")


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if code < 0x10000 and (
        ch == "\x85" or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn")
    ):
        return f"\\u{code:04x}"
    return ch


def yaml_value(value: Any) -> str:
    """``value`` as one line of JSON that YAML 1.1 and 1.2 readers load to the same value."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    # json.dumps escapes control characters already; escape the rest that YAML treats specially.
    return "".join(_escape_char(ch) for ch in text)


def front_matter(meta: dict[str, Any]) -> str:
    """A front-matter block, one ``key: JSON`` line per field, keys in sorted order."""
    lines = ["---"]
    for key in sorted(meta):
        name = key if _PLAIN_KEY.fullmatch(key) and key not in _YAML11_WORDS else yaml_value(key)
        lines.append(f"{name}: {yaml_value(meta[key])}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def markdown_text(text: str) -> str:
    """Plain text made safe as Markdown inline text (link text, list item)."""
    out = []
    for ch in text.replace("\n", " "):
        if ch in _MARKDOWN_SPECIAL:
            out.append(f"&#{ord(ch)};")
        else:
            out.append(ch)
    return "".join(out)


def case_page(case: Case) -> str:
    """The portable page of one case: its title for the engine, its data under ``case``, then its body."""
    meta = {"title": html.escape(case.title, quote=True), "case": case.meta}
    return front_matter(meta) + "\n" + case.body.strip("\n") + "\n"


def index_page(cases: list[Case], site_name: str) -> str:
    lines = [f"# {markdown_text(site_name)}", "", "Case studies in this catalogue:", ""]
    for case in cases:
        lines.append(f"- [{markdown_text(case.title)}](cases/{case.slug}.md)")
    if not cases:
        lines.append("No case has been published yet.")
    return "\n".join(lines) + "\n"


def _project_settings(root: Path) -> dict[str, str]:
    """Plain string settings of the project's mkdocs.yml; anything unreadable is left out."""
    path = root / "mkdocs.yml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: data[key] for key in _COPIED_SETTINGS if isinstance(data.get(key), str)}


def mkdocs_config(settings: dict[str, str]) -> str:
    config: dict[str, Any] = {"site_name": settings.get("site_name", "Casebook")}
    for key in _COPIED_SETTINGS[1:]:
        if key in settings:
            config[key] = settings[key]
    if "repo_url" in settings:
        # Case pages live in cases/ in the repository, like in the portable docs folder.
        config["edit_uri"] = (settings.get("edit_uri") or "edit/main/").rstrip("/") + "/"
    config["theme"] = {"name": "material", "font": False}
    config["plugins"] = ["search"]
    config["markdown_extensions"] = MARKDOWN_EXTENSIONS
    config["validation"] = {
        "omitted_files": "warn", "not_found": "warn", "absolute_links": "warn",
        "unrecognized_links": "warn", "anchors": "warn",
    }
    header = "# Written by 'casebook portable': the catalogue as plain Markdown, built without the casebook plugin.\n"
    return header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True, default_flow_style=False)


def write_portable_site(catalogue: Catalogue, out_dir: Path) -> list[Path]:
    """Write ``mkdocs.yml``, ``docs/index.md`` and ``docs/cases/<slug>.md`` under ``out_dir``.

    Only published cases are written. Returns the written files, sorted. The caller makes sure
    ``out_dir`` is a new or empty folder.
    """
    settings = _project_settings(catalogue.settings.root)
    cases = sorted(catalogue.published, key=lambda c: c.slug)
    files: dict[Path, str] = {
        out_dir / "mkdocs.yml": mkdocs_config(settings),
        out_dir / "docs" / "index.md": index_page(cases, settings.get("site_name", "Casebook")),
    }
    for case in cases:
        files[out_dir / "docs" / "cases" / f"{case.slug}.md"] = case_page(case)
    for path in sorted(files):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[path], encoding="utf-8", newline="\n")
    return sorted(files)
