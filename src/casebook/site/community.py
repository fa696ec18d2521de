"""The community links of a case or brief page: "Suggest an edit" and a discussion place.

The discussion place is configured by the site's maintainers under the plugin's ``discussion:``
option and is off by default, so that a built site makes no request to a third party unless a
maintainer asks for it. Two providers exist:

- ``link``: a plain link built from a URL pattern with ``{slug}``, ``{path}``, ``{title}`` and
  ``{url}`` placeholders (each percent-encoded), e.g. a GitHub Discussions search or new-topic page;
- ``giscus``: the giscus widget (https://giscus.app), which embeds a GitHub Discussions thread.

Everything here is plain data; the template ``partials/comments.html`` renders it and escapes
every value for the attribute or text it lands in.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

PROVIDERS = ("giscus", "link")
GISCUS_MAPPINGS = ("pathname", "url", "title", "og:title")
PLACEHOLDERS = frozenset({"slug", "path", "title", "url"})
GISCUS_FIELDS = ("repo", "repo_id", "category", "category_id")

#: Pages that get community links: one case or one brief (not the index pages).
_DISCUSSABLE = re.compile(r"(cases|briefs)/(?!index\.md$)[a-z0-9]+(?:-[a-z0-9]+)*\.md")
_REPO = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class Discussion:
    """The ``discussion:`` option of the plugin, as validated data."""

    provider: str | None = None
    url: str | None = None
    repo: str | None = None
    repo_id: str | None = None
    category: str | None = None
    category_id: str | None = None
    mapping: str = "pathname"
    lang: str = "en"

    @property
    def script_origin(self) -> str | None:
        """The origin whose script (and frame) the discussion widget needs, if any."""
        return "https://giscus.app" if self.provider == "giscus" else None

    @classmethod
    def from_options(cls, options: Any) -> Discussion:
        def get(key: str, default: Any = None) -> Any:
            value = options.get(key, default) if hasattr(options, "get") else getattr(options, key, default)
            return default if value is None else value

        return cls(
            provider=get("provider"), url=get("url"), repo=get("repo"), repo_id=get("repo_id"),
            category=get("category"), category_id=get("category_id"), mapping=get("mapping", "pathname"),
            lang=get("lang", "en"),
        )


def check_discussion(discussion: Discussion) -> list[str]:
    """What is wrong with the ``discussion:`` option, as messages naming the key to fix."""
    problems: list[str] = []
    if discussion.provider is None:
        return problems
    if discussion.provider not in PROVIDERS:
        return [f"discussion.provider must be one of: {', '.join(PROVIDERS)} (not '{discussion.provider}')"]
    if discussion.provider == "link":
        url = discussion.url or ""
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            problems.append("discussion.url must be an http(s) address, e.g. https://github.com/OWNER/REPO/discussions")
        try:
            fields = {name for _, name, _, _ in string.Formatter().parse(url) if name is not None}
        except ValueError as exc:
            problems.append(f"discussion.url is not a valid pattern: {exc}")
        else:
            unknown = sorted(fields - PLACEHOLDERS)
            if unknown:
                problems.append(
                    f"discussion.url uses unknown placeholder(s) {', '.join('{' + u + '}' for u in unknown)}; "
                    f"available: {', '.join('{' + p + '}' for p in sorted(PLACEHOLDERS))}"
                )
    else:
        missing = [name for name in GISCUS_FIELDS if not getattr(discussion, name)]
        if missing:
            problems.append(
                f"discussion with provider 'giscus' needs {', '.join(missing)} "
                "(copy them from the configuration generated at https://giscus.app)"
            )
        if discussion.repo and not _REPO.fullmatch(discussion.repo):
            problems.append(f"discussion.repo must be 'OWNER/NAME', not '{discussion.repo}'")
        if discussion.mapping not in GISCUS_MAPPINGS:
            problems.append(f"discussion.mapping must be one of: {', '.join(GISCUS_MAPPINGS)}")
    return problems


def is_discussable(src_uri: str) -> bool:
    """Whether the page at ``src_uri`` is a single case or brief."""
    return _DISCUSSABLE.fullmatch(src_uri) is not None


def discussion_url(pattern: str, *, slug: str, path: str, title: str, url: str) -> str:
    """``pattern`` with its placeholders replaced by percent-encoded values."""
    values = {"slug": slug, "path": path, "title": title, "url": url}
    return pattern.format(**{key: quote(value, safe="") for key, value in values.items()})


def community_context(
    src_uri: str, *, title: str, edit_url: str | None, page_url: str, source_path: str, discussion: Discussion
) -> dict[str, Any] | None:
    """What ``partials/comments.html`` shows on the page at ``src_uri``, or None for other pages."""
    if not is_discussable(src_uri):
        return None
    slug = src_uri.rsplit("/", 1)[-1][: -len(".md")]
    kind = "case" if src_uri.startswith("cases/") else "brief"
    context: dict[str, Any] = {"kind": kind, "edit_url": edit_url, "discussion_url": None, "giscus": None}
    if discussion.provider == "link" and discussion.url:
        context["discussion_url"] = discussion_url(
            discussion.url, slug=slug, path=source_path, title=title, url=page_url
        )
    elif discussion.provider == "giscus":
        context["giscus"] = {
            "repo": discussion.repo, "repo_id": discussion.repo_id, "category": discussion.category,
            "category_id": discussion.category_id, "mapping": discussion.mapping, "lang": discussion.lang,
        }
    return context
