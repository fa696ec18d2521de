"""The whole site as plain Markdown, buildable by any MkDocs-compatible engine without the plugin.

MkDocs 1.x is in maintenance mode and engines that follow it (ProperDocs, Zensical) may not run MkDocs
plugins. :func:`portable_files` gives every page the plugin feeds MkDocs (case pages, the country, mechanism
and policy-area pages, the catalogue, the matrix, the briefs, the bibliography, the data pages and files, the
home page) taken from the same pure functions, plus the hand-written ``docs/`` pages, the plugin's stylesheets
and a ``mkdocs.yml`` that names no plugin beyond the built-in search. ``casebook export`` writes them.

What the plugin does while MkDocs renders is done on the Markdown instead: citations (``[@key, p. 3]``)
become author-year links to the bibliography page, written as Markdown links so that the engine checks
them; hand-written pages get their "References"; the home page and the briefs index get their lists; the
countries page gets its map. The text of each case and brief is rendered and sanitized here, as the plugin's
site has it, and written as Markdown every engine passes through unchanged (``portable_body.py``): no engine
that builds the portable site runs a contributor's script. What Markdown cannot carry is left out: the
Pagefind index (the built-in search is used instead) and the template additions (citation meta tags,
JSON-LD, the discussion box). Links in the generated HTML are written from the site's root (``rooted.py``):
MkDocs and Zensical read a relative link in raw HTML from different folders.

Each generated page starts with front-matter. ``title`` is the page title HTML-escaped, because MkDocs
themes print a page's title into ``<title>`` and the navigation without escaping it. Case and brief pages
also carry their validated front-matter, unchanged, under ``case`` or ``brief``: under its own key, no
engine takes one of its fields for a setting of its own (Material reads ``status``, for one).

Values are re-serialised as JSON, which is also YAML: every string is double-quoted (``NO`` stays
Norway, ``2007-01-01`` stays text, in YAML 1.1 and 1.2 alike) and characters that a YAML reader
would take as line breaks or refuse are written as ``\\uXXXX`` escapes.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from markdown.util import BLOCK_LEVEL_ELEMENTS

from casebook.bibliography import references_markdown
from casebook.catalogue import Catalogue
from casebook.citations.inline import CITATION, CitationState, mask_code, parse_citation
from casebook.core.escape import html_attr, markdown_entities
from casebook.core.model import Brief, Case
from casebook.export.body import BodyRenderer
from casebook.export.rooted import rooted_links, site_root
from casebook.site.assembly import SiteOptions, assemble
from casebook.site.page import BRIEFS_INDEX, SitePage
from casebook.site.sanitize import unsafe_settings
from casebook.site.urls import HOME, case_src

_PLAIN_KEY = re.compile(r"[a-z_][a-z0-9_]*")
#: Words YAML 1.1 reads as booleans or null even as keys; such keys are quoted.
_YAML11_WORDS = frozenset({"y", "yes", "n", "no", "true", "false", "on", "off", "null"})
#: ASCII punctuation written as character references in Markdown text: each may start some
#: extension's syntax (emphasis, links, tables, strikethrough, maths...); a reference never does.

#: Markdown extensions contributed bodies are rendered with when the project's mkdocs.yml lists none: the
#: ones case bodies may use, all bundled with Python-Markdown or pymdown-extensions (a dependency of Material).
BODY_EXTENSIONS: list[Any] = [
    {"toc": {"permalink": True}},
    "tables",
    "admonition",
    "footnotes",
    "pymdownx.details",
    "pymdownx.highlight",
    "pymdownx.superfences",
]
#: Markdown extensions of the portable site's mkdocs.yml. attr_list gives the headings of contributed bodies,
#: written as Markdown, the ids their sanitized HTML has; nothing a contributor wrote is Markdown there.
MARKDOWN_EXTENSIONS: list[Any] = [*BODY_EXTENSIONS, "attr_list"]
#: The extensions MkDocs loads before a project's own.
MKDOCS_EXTENSIONS = ("toc", "tables", "fenced_code")

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


# --- Citations, rendered on the Markdown ------------------------------------------------------------

_HTML_BLOCK_START = re.compile(r"[ ]{0,3}<(?:!--|/?([A-Za-z][A-Za-z0-9-]*))")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _mask_html_blocks(text: str) -> str:
    """``text`` with every block of raw HTML blanked out (lengths kept): Markdown is not read inside them.

    A block is a run of lines between blank lines whose first line opens with a block-level tag or a
    comment, as the generated listings are written.
    """
    out = []
    pos = 0
    for chunk_end in [m.start() for m in _BLANK_LINE.finditer(text)] + [len(text)]:
        chunk = text[pos:chunk_end]
        start = chunk.lstrip("\n")
        match = _HTML_BLOCK_START.match(start)
        if match and (match.group(1) is None or match.group(1).lower() in BLOCK_LEVEL_ELEMENTS):
            chunk = re.sub(r"[^\n]", " ", chunk)
        out.append(chunk)
        pos = chunk_end
    return "".join(out)


def markdown_citations(markdown: str, labels: Mapping[str, str], page: str) -> str:
    """``markdown`` with each citation written as the plugin renders it, in Markdown.

    ``[@key, p. 3; @other]`` becomes ``(Author 2020, p. 3; Other 2019)`` in a ``cb-citation`` span, each
    label a link to its entry on the bibliography page, relative to ``page``. Citations in code, HTML
    comments and raw HTML blocks, and escaped brackets, stay as they are; an unknown key stays as text.
    """
    state = CitationState()
    state.labels = labels
    state.page = page
    masked = _mask_html_blocks(mask_code(markdown))
    out = []
    pos = 0
    for match in CITATION.finditer(masked):
        start, end = match.span()
        if (start > 0 and masked[start - 1] == "\\") or markdown[start:end] != match.group():
            continue
        items = parse_citation(match.group(1))
        if items is None:
            continue
        parts = []
        previous = None
        for item in items:
            label = labels.get(item.key)
            locator = f", {item.locator}" if item.locator else ""
            if label is None:
                parts.append(markdown_entities(f"@{item.key}{locator}"))
            else:
                shown = item.locator if item.key == previous and item.locator else label + locator
                parts.append(f"[{markdown_entities(shown)}]({state.bibliography_link(item.key)})")
            previous = item.key
        out.append(markdown[pos:start])
        out.append(f'<span class="cb-citation">({"; ".join(parts)})</span>')
        pos = end
    out.append(markdown[pos:])
    return "".join(out)


# --- The site's files -----------------------------------------------------------------------------

#: The plugin's stylesheets and scripts the portable site ships (search.js needs the Pagefind index).
ASSETS = Path(__file__).resolve().parents[1] / "assets"
PORTABLE_CSS = ("casebook.css", "print.css")
PORTABLE_JS = ("sortable.js",)
PORTABLE_PAGE_JS = ("dom.js", "explore.js", "explore-select.js", "compare.js")

_FRONT_MATTER = re.compile(r"\A-{3}[ \t]*\n.*?\n(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)


class PortableError(Exception):
    """The site cannot be written (a hand-written page clashes with a generated one)."""


def _project_config(root: Path) -> dict[str, Any]:
    """The project's mkdocs.yml as a mapping (empty if unreadable); it is read, never run."""
    try:
        data = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _docs_files(docs: Path) -> dict[str, bytes]:
    """The hand-written files of ``docs/`` by path inside it; symbolic links and dot-files are left out."""
    found: dict[str, bytes] = {}
    if not docs.is_dir() or docs.is_symlink():
        return found
    stack = [docs]
    while stack:
        folder = stack.pop()
        for path in sorted(folder.iterdir()):
            if path.is_symlink() or path.name.startswith("."):
                continue
            if path.is_dir():
                stack.append(path)
            elif path.is_file():
                found[path.relative_to(docs).as_posix()] = path.read_bytes()
    return dict(sorted(found.items()))


def _filter_nav(nav: Any, pages: set[str]) -> Any:
    """The project's nav without entries this site has no page for; ``None`` for anything malformed."""
    if isinstance(nav, str):
        return nav if nav in pages or "://" in nav else None
    if isinstance(nav, list):
        kept = [item for item in (_filter_nav(i, pages) for i in nav) if item is not None]
        return kept or None
    if isinstance(nav, dict) and len(nav) == 1:
        (title, value), = nav.items()
        if isinstance(title, str):
            value = _filter_nav(value, pages)
            return {title: value} if value is not None else None
    return None


def mkdocs_config(project: dict[str, Any], pages: set[str], not_in_nav: list[str]) -> str:
    """The portable ``mkdocs.yml``: the project's plain settings, Material, no plugin but the built-in search."""
    config: dict[str, Any] = {"site_name": project["site_name"] if isinstance(project.get("site_name"), str)
                              else "Casebook"}
    for key in _COPIED_SETTINGS[1:]:
        if isinstance(project.get(key), str) and key != "edit_uri":
            config[key] = project[key]
    if "repo_url" in config:
        config["edit_uri"] = ""  # the docs/ folder here is not the repository's layout: no edit links
    if project.get("use_directory_urls") is False:
        config["use_directory_urls"] = False
    theme: dict[str, Any] = {"name": "material", "font": False}
    features = (project.get("theme") or {}).get("features") if isinstance(project.get("theme"), dict) else None
    if isinstance(features, list) and all(isinstance(f, str) for f in features):
        theme["features"] = [f for f in features if f != "content.action.edit"]
    config["theme"] = theme
    nav = _filter_nav(project.get("nav"), pages) if project.get("nav") is not None else None
    if nav:
        config["nav"] = nav
    config["plugins"] = ["search"]
    config["markdown_extensions"] = MARKDOWN_EXTENSIONS
    config["extra_css"] = [f"assets/casebook/{name}" for name in PORTABLE_CSS]
    config["extra_javascript"] = [f"assets/casebook/{name}" for name in PORTABLE_JS]
    config["validation"] = {
        "omitted_files": "info", "not_found": "warn", "absolute_links": "warn",
        "unrecognized_links": "warn", "anchors": "warn",
    }
    header = (
        "# Written by 'casebook export': the whole site as plain Markdown, built without the casebook plugin.\n"
        "# Build it with 'mkdocs build' (or another MkDocs-compatible engine) in this folder.\n"
    )
    # Generated pages the plugin keeps out of the nav (source paths of validated slugs and taxonomy ids).
    hidden = "not_in_nav: |\n" + "".join(f"  /{src}\n" for src in sorted(not_in_nav)) if not_in_nav else ""
    return header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True, default_flow_style=False) + hidden


def portable_files(catalogue: Catalogue, *, source_date_epoch: int | None = None) -> dict[str, str | bytes]:
    """Every file of the portable site by path (``mkdocs.yml``, ``docs/...``), sorted by path.

    Only published cases and briefs are included; the catalogue must have no errors.
    """
    settings = catalogue.settings
    project = _project_config(settings.root)
    site_name = project["site_name"] if isinstance(project.get("site_name"), str) else "Casebook"
    site_url = project["site_url"] if isinstance(project.get("site_url"), str) else ""
    directory_urls = project.get("use_directory_urls") is not False
    bib = catalogue.bibliography
    labels = bib.labels() if bib is not None else {}
    handwritten = _docs_files(settings.root / settings.docs_dir)

    options = SiteOptions(site_name=site_name, site_url=site_url, directory_urls=directory_urls,
                          source_date_epoch=source_date_epoch, heading_ids=True)

    def exists(src: str) -> bool:
        return src in handwritten

    # Contributed bodies are rendered and sanitized here, as the plugin's site has them (see body.py); their
    # links are rewritten as MkDocs would, so the renderer needs every page of the site: a first assembly
    # (bodies as written) tells which pages there are.
    outline = assemble(catalogue, options, exists)
    assets = {f"assets/casebook/{name}": (ASSETS / name).read_text(encoding="utf-8")
              for name in PORTABLE_CSS + PORTABLE_JS + PORTABLE_PAGE_JS}
    extensions, configs = body_extensions(project)
    try:
        renderer = BodyRenderer(extensions, configs, {*handwritten, *(p.src_uri for p in outline.pages),
                                                      *outline.files, *assets}, directory_urls=directory_urls)
    except (ImportError, AttributeError, KeyError, TypeError, ValueError) as error:
        raise PortableError(f"mkdocs.yml: cannot load its markdown_extensions: {error}") from error

    def render_body(item: Case | Brief, src: str) -> tuple[str, str]:
        rendered = renderer.render(markdown_citations(item.body, labels, src), src)
        return rendered.markdown, rendered.footnotes

    assembly = assemble(catalogue, options, exists, bodies=render_body)
    fronts: dict[str, dict[str, Any]] = {case_src(c.slug): {"case": c.meta} for c in catalogue.published}
    fronts |= {f"briefs/{b.slug}.md": {"brief": b.meta} for b in catalogue.published_briefs}
    generated: dict[str, tuple[SitePage, dict[str, Any]]] = {}
    for page in assembly.pages:
        if page.src_uri in generated or page.src_uri in handwritten:
            raise PortableError(
                f"generated page '{page.src_uri}' clashes with '{settings.docs_dir}/{page.src_uri}'; "
                "remove or rename the hand-written page"
            )
        generated[page.src_uri] = (page, fronts.get(page.src_uri, {}))

    # Links in generated HTML are written from the site's root: MkDocs and Zensical read a relative one differently.
    root = site_root(site_url)

    def rooted(markdown: str, src: str) -> str:
        return rooted_links(markdown, src, root, directory_urls=directory_urls)

    assembly.home = rooted(assembly.home, HOME)
    assembly.briefs_list = rooted(assembly.briefs_list, BRIEFS_INDEX)

    def finish(src: str, markdown: str) -> str:
        return markdown_citations(assembly.finish(src, markdown), labels, src)

    readers: dict[str, str] = {**assembly.files, **assets}

    files: dict[str, str | bytes] = {}
    for src, data in handwritten.items():
        if not src.endswith(".md"):
            files[f"docs/{src}"] = data
            continue
        text = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
        head_match = _FRONT_MATTER.match(text)
        head = head_match.group() if head_match else ""
        body = text[len(head):]
        keys = [c.key for c in catalogue.citations.get(f"{settings.docs_dir}/{src}", [])]
        if keys and bib is not None:
            body += rooted(references_markdown(keys, bib), src)
        files[f"docs/{src}"] = head + finish(src, body)
    for src, (page, meta) in generated.items():
        matter = front_matter({"title": html_attr(page.title), **meta})
        files[f"docs/{src}"] = matter + "\n" + rooted(finish(src, page.markdown), src)
    for src, content in readers.items():
        if f"docs/{src}" in files:
            raise PortableError(
                f"generated file '{src}' clashes with '{settings.docs_dir}/{src}'; "
                "remove or rename the hand-written one"
            )
        if isinstance(content, str) and src.endswith(".md"):
            # Fixed headings, no front-matter values: the title is the heading.
            content = rooted(finish(src, content), src)
        files[f"docs/{src}"] = content
    pages = {path[len("docs/"):] for path in files if path.endswith(".md")}
    not_in_nav = [src for src, (page, _) in generated.items() if not page.in_nav]
    not_in_nav += [src for src in readers if src.endswith(".md")]
    files["mkdocs.yml"] = mkdocs_config(project, pages, not_in_nav)
    return dict(sorted(files.items()))


def body_extensions(project: Mapping[str, Any]) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The Markdown extensions (names, and settings by name) the plugin's site renders contributed bodies with.

    MkDocs' own (``toc``, ``tables``, ``fenced_code``), then the project's ``markdown_extensions`` (the portable
    site's when it has none), with table alignment as attributes, as the plugin sets it. The citation
    extension is not among them: the portable site writes citations as Markdown links before rendering.
    """
    listed = project.get("markdown_extensions")
    items = listed if isinstance(listed, list) else BODY_EXTENSIONS
    names: list[str] = list(MKDOCS_EXTENSIONS)
    configs: dict[str, dict[str, Any]] = {}
    for item in items:
        name, config = (item, None) if isinstance(item, str) else (None, None)
        if isinstance(item, dict) and len(item) == 1:
            name, config = next(iter(item.items()))
        if not isinstance(name, str) or not (config is None or isinstance(config, dict)):
            raise PortableError(f"mkdocs.yml: cannot read the markdown_extensions entry {item!r}")
        if name not in names:
            names.append(name)
        if config:
            configs[name] = dict(config)
    unsafe = unsafe_settings(names, [])
    if unsafe:
        raise PortableError(f"{', '.join(unsafe)} would let case files read other files or run templates; "
                            "remove it from mkdocs.yml")
    configs["tables"] = {**configs.get("tables", {}), "use_align_attribute": True}
    return names, configs


#: Left in the folder ``casebook export`` writes the site to, so that a later export may replace it.
MARKER = ".casebook-export"


def write_files(out_dir: Path, files: Mapping[str, str | bytes]) -> list[Path]:
    """Write ``files`` (path -> content) under ``out_dir`` with the :data:`MARKER`; returns the files, sorted.

    The caller makes sure ``out_dir`` is new, empty, or an earlier export (which it has removed).
    """
    written = []
    for name, content in files.items():
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        written.append(path)
    (out_dir / MARKER).write_text("Written by 'casebook export'; the next export replaces this folder.\n",
                                  encoding="utf-8")
    return sorted(written)


def write_portable_site(catalogue: Catalogue, out_dir: Path, *, source_date_epoch: int | None = None) -> list[Path]:
    """Write :func:`portable_files` under ``out_dir``; returns the written files, sorted."""
    return write_files(out_dir, portable_files(catalogue, source_date_epoch=source_date_epoch))
