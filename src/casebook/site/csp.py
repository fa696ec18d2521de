"""The Content-Security-Policy every built page carries, as a ``<meta>`` tag.

Defence in depth behind the sanitizer: even if markup from a contributor's file slipped through, the
browser would run no script but the site's own files and the theme's inline scripts, each allowed by
the hash of its exact text, and would connect to no other origin. The hashes are taken from the page
itself, outside its article (where contributor content lives), because Material's inline scripts differ
with the page's depth (``new URL("../..", location)``).

What it costs: inline scripts are allowed only by hash, so a theme override that adds one is allowed
with it (it is outside the article) but a script inside the article never is; styles stay allowed inline
(Material sets them); WebAssembly may be compiled (Pagefind's search runs on it). The discussion widget
(giscus), when a maintainer turns it on, adds its origin to scripts and frames.
"""

from __future__ import annotations

import base64
import hashlib

#: Where contributor content sits in a Material page: nothing inside it is ever hashed.
_ARTICLE_START = '<article class="md-content__inner'
_ARTICLE_END = "</article>"
#: Script types a browser executes (anything else, such as JSON or JSON-LD, is data).
_EXECUTED_TYPES = ("", "text/javascript", "application/javascript", "module")
_CHARSET = '<meta charset="utf-8">'


def inline_scripts(html: str) -> list[str]:
    """The text of each executed inline script outside the page's article, in order."""
    start = html.find(_ARTICLE_START)
    end = html.find(_ARTICLE_END, start) if start != -1 else -1
    found: list[str] = []
    pos = 0
    while (open_at := html.find("<script", pos)) != -1:
        tag_end = html.find(">", open_at)
        close_at = html.find("</script>", tag_end)
        if tag_end == -1 or close_at == -1:
            break
        pos = close_at + len("</script>")
        if start != -1 and start <= open_at and (end == -1 or open_at < end):
            continue  # contributor content: never allowed, whatever it holds
        attributes = html[open_at + len("<script"):tag_end]
        if " src=" in attributes or _script_type(attributes) not in _EXECUTED_TYPES:
            continue
        found.append(html[tag_end + 1:close_at])
    return found


def _script_type(attributes: str) -> str:
    marker = ' type="'
    at = attributes.find(marker)
    if at == -1:
        return ""
    return attributes[at + len(marker):attributes.find('"', at + len(marker))].strip().lower()


def script_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def policy(hashes: list[str], *, discussion_origin: str | None = None) -> str:
    """The policy text for a page whose own inline scripts have ``hashes``."""
    extra = [discussion_origin] if discussion_origin else []
    directives = [
        "default-src 'self'",
        "script-src " + " ".join(["'self'", "'wasm-unsafe-eval'", *sorted(set(hashes)), *extra]),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "frame-src " + (" ".join(extra) if extra else "'none'"),
        "worker-src 'self'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    return "; ".join(directives)


def with_policy(html: str, *, discussion_origin: str | None = None) -> str:
    """``html`` with its Content-Security-Policy ``<meta>`` as the first thing after the charset."""
    hashes = [script_hash(text) for text in inline_scripts(html)]
    content = policy(hashes, discussion_origin=discussion_origin)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content}">'
    at = html.find(_CHARSET)
    if at != -1:
        at += len(_CHARSET)
    else:
        head = html.find("<head>")
        if head == -1:
            return html  # not a page (a redirect stub, say): nothing to protect
        at = head + len("<head>")
    return html[:at] + meta + html[at:]


#: Theme features that turn page text into HTML or load pages and scripts the policy above cannot vouch for.
UNSAFE_FEATURES = {
    "content.tooltips": "it inserts a link's title into the page as HTML",
    "navigation.instant": "it swaps pages in by script, past each page's own Content-Security-Policy",
    "navigation.instant.prefetch": "it swaps pages in by script, past each page's own Content-Security-Policy",
    "navigation.instant.progress": "it swaps pages in by script, past each page's own Content-Security-Policy",
    "navigation.instant.preview": "it inserts other pages' content into this one as HTML",
}


def unsafe_theme_settings(
    features: list[str], extra: dict[str, object], fences: list[object], scripts: list[str]
) -> list[str]:
    """Why the configuration (theme features, ``extra``, superfences' custom fences, extra scripts) is unsafe."""
    found = [f"theme feature '{name}': {UNSAFE_FEATURES[name]}" for name in features if name in UNSAFE_FEATURES]
    version = extra.get("version")
    if isinstance(version, dict) and version.get("provider"):
        found.append("extra.version.provider: the version selector fetches a JSON file and inserts it as HTML")
    if extra.get("analytics"):
        found.append("extra.analytics: it loads a third party's script, which the site's policy refuses")
    for fence in fences:
        if isinstance(fence, dict) and "mermaid" in str(fence.get("name", "")).lower():
            found.append("a mermaid custom fence: the theme then loads its renderer from a third-party CDN")
    for script in scripts:
        if "//" in script or script.startswith("\\\\"):
            found.append(f"extra_javascript '{script}': a script from another site")
    return found
