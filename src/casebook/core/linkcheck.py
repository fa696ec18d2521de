"""The links of case and brief bodies, checked as ``mkdocs build --strict`` checks them (``W205``–``W207``).

MkDocs resolves each link and image of a page (``mkdocs/structure/pages.py``, ``_RelativePathTreeprocessor``)
and logs what it cannot, at the level ``mkdocs.yml``'s ``validation:`` sets for each kind; at ``warn`` the
strict build fails. The same rules are applied here to the links ``bodylinks.py`` found, against the site's
list of pages and files (``site/sitelinks.py`` knows it), so that ``casebook validate`` fails on them too:

- a link with a scheme or a host (``https://``, ``mailto:``, ``//host``) is not checked;
- an absolute link (``/x``) is reported at the ``absolute_links`` level, unless that level is
  ``relative_to_docs``: then it is resolved from the top of the site, as a relative link is from the page;
- a relative link is resolved from the page's folder (``cases/`` for a case), its ``%xx`` escapes undone;
  a target that is not in the site is reported at the ``not_found`` level, or at ``unrecognized_links``
  when its last part has no extension (``../countries/``, ``foo``);
- ``#anchor`` alone, or after a page, is an id that page must have (the ``anchors`` level).

A published case or brief that links to a draft gets its own message (``W206``): the build leaves drafts out,
so MkDocs would report the link as not found, though it works under ``mkdocs serve``.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, fields
from enum import Enum
from typing import Protocol
from urllib.parse import unquote, urlsplit

from casebook.core.bodylinks import BodyLink
from casebook.core.problems import Problem, warning

#: MkDocs' placeholder for an obfuscated e-mail address (``markdown.util.AMP_SUBSTITUTE``): never checked.
AMP_SUBSTITUTE = "\x02amp\x03"

NOT_FOUND = "W205"
TO_DRAFT = "W206"
NO_ANCHOR = "W207"


@dataclass(frozen=True)
class LinkLevels:
    """``validation:`` for links, as in ``mkdocs.yml``; MkDocs' defaults. Only ``warn`` fails a strict build."""

    not_found: str = "warn"
    absolute_links: str = "info"
    unrecognized_links: str = "info"
    anchors: str = "info"

    @classmethod
    def from_config(cls, validation: object) -> LinkLevels:
        """From ``mkdocs.yml``'s ``validation`` mapping: its ``links:`` part, and the keys given at its top, which
        MkDocs copies into ``links:`` where that does not set them. Values MkDocs would refuse are left out."""
        if not isinstance(validation, dict):
            return cls()
        links = validation.get("links")
        given = dict(links) if isinstance(links, dict) else {}
        values: dict[str, str] = {}
        for option in fields(cls):
            value = given.get(option.name, validation.get(option.name))
            allowed = ("warn", "info", "ignore") + (("relative_to_docs",) if option.name == "absolute_links" else ())
            if value in allowed:
                values[option.name] = value
        return cls(**values)


class Target(Enum):
    """What a link's target is to the build."""

    PRESENT = "present"  # a page or file of the site
    DRAFT = "draft"  # a draft case or brief: a build leaves it out
    BROKEN = "broken"  # a case or brief file with errors: a build leaves it out
    MISSING = "missing"


class SiteView(Protocol):
    """The site's pages and files, as the build will have them."""

    #: The folder of the site's hand-written pages and files, as the project names it.
    docs_dir: str

    def target(self, src_uri: str) -> Target:
        """What the file at ``src_uri`` (a path in the site, ``cases/x.md``) is to the build."""

    def has_anchor(self, src_uri: str, anchor: str) -> bool | None:
        """Whether the page at ``src_uri`` has the id ``anchor``; ``None`` when it is not known here (a page
        whose anchors only the build knows)."""

    def near_anchor(self, src_uri: str, anchor: str) -> str | None:
        """The id of the page at ``src_uri`` that ``anchor`` most likely stands for, or ``None``."""

    def display(self, src_uri: str) -> str:
        """The file a case or brief page comes from, as messages name it (``cases/x.md``)."""

    def near(self, src_uri: str) -> str | None:
        """The page or file of the site ``src_uri`` most likely stands for, or ``None``."""


@dataclass(frozen=True)
class BodyLinks:
    """What the validator's parse of a body found for this check: the links, and the ids the body gives its page."""

    body_line: int
    links: tuple[BodyLink, ...]
    ids: frozenset[str] | None = None
    #: The body, when it was not parsed (``links`` are then every link it could make, ``ids`` some of its ids):
    #: it is parsed if one of them is broken.
    unparsed: str | None = None


@dataclass(frozen=True)
class PageLinks:
    """A case's or brief's links: its file, as messages name it, its page in the site, and where its body starts."""

    path: str
    src_uri: str
    body_line: int
    draft: bool
    links: tuple[BodyLink, ...]


def _shown(url: str) -> str:
    return url if len(url) <= 80 else url[:77] + "..."


def _target_uri(src_uri: str, path: str) -> str:
    """MkDocs' ``_target_uri``: ``path`` from the folder of the page ``src_uri``, normalised, from the site's top."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), path).lstrip("/"))


def _guesses(src_uri: str, path: str, target: str) -> list[str]:
    """MkDocs' guesses at what a link that goes nowhere meant: an index page, a ``.md`` for ``.html`` or a bare name."""
    found = []
    if not posixpath.splitext(target)[1]:
        found += [posixpath.join(target, "index.md"), posixpath.join(target, "README.md")]
    if not target.endswith(".") and not path.endswith(".md"):
        found.append(target.removesuffix(".html") + ".md")
    return [posixpath.normpath(g) for g in found if not posixpath.normpath(g).startswith("../")]


def _relative(target: str, src_uri: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(src_uri) or ".")


def link_problems(page: PageLinks, site: SiteView, levels: LinkLevels) -> list[Problem]:
    """The links of ``page`` the strict build would warn about (at the ``warn`` levels of ``levels``)."""
    problems: dict[tuple[int, str], Problem] = {}
    for link in page.links:
        found = _link_problem(link, page, site, levels)
        if found is not None:
            line = page.body_line + link.line - 1
            problems.setdefault((line, found[1]), warning(page.path, line, found[0], found[1]))
    return list(problems.values())


def _link_problem(link: BodyLink, page: PageLinks, site: SiteView, levels: LinkLevels) -> tuple[str, str] | None:
    url = link.url
    what = "image" if link.image else "link"
    try:
        scheme, netloc, path, _, anchor = urlsplit(url)
    except ValueError:
        return None  # MkDocs stops on it with its own error
    if scheme or netloc or AMP_SUBSTITUTE in url:
        return None
    absolute = url.startswith(("/", "\\"))
    if absolute and levels.absolute_links != "relative_to_docs":
        if levels.absolute_links != "warn":
            return None
        target = _target_uri(page.src_uri, unquote(path))
        fix = _relative(target, page.src_uri) if site.target(target) is Target.PRESENT else \
            _relative("countries/no.md", page.src_uri)
        return NOT_FOUND, (f"{what} '{_shown(url)}' starts with '/', which the site leaves as it is (it may be served "
                           f"from a sub-folder): write the path from this page's folder, "
                           f"'{posixpath.dirname(page.src_uri)}/', as in '{fix}'")
    if not path:
        return _anchor_problem(url, page.src_uri, anchor, page, site, levels) if anchor else None
    path = unquote(path)
    target = _target_uri(page.src_uri, path)
    kind = site.target(target)
    if kind is Target.DRAFT:
        if page.draft or levels.not_found != "warn":
            return None  # a draft may link to a draft: both are pages under `mkdocs serve`
        return TO_DRAFT, (f"{what} '{_shown(url)}' goes to {site.display(target)}, a draft: the build leaves drafts "
                          "out, so the link works under 'mkdocs serve' only; publish it first, or remove the link "
                          "until it is")
    if kind is Target.BROKEN:
        if levels.not_found != "warn":
            return None
        shown = site.display(target)
        return NOT_FOUND, (f"{what} '{_shown(url)}' goes to {shown}, which has errors, so the build leaves it out: "
                           f"fix them first (casebook validate {shown})")
    if kind is Target.MISSING:
        return _missing(link, path, target, absolute, page, site, levels)
    if anchor and target.endswith(".md"):
        return _anchor_problem(url, target, anchor, page, site, levels)
    return None


def _missing(link: BodyLink, path: str, target: str, absolute: bool, page: PageLinks, site: SiteView,
             levels: LinkLevels) -> tuple[str, str] | None:
    url, what = link.url, "image" if link.image else "link"
    unrecognized = not posixpath.splitext(path)[1] and not absolute
    if (levels.unrecognized_links if unrecognized else levels.not_found) != "warn":
        return None
    guess = next((g for g in _guesses(page.src_uri, path, target) if site.target(g) is Target.PRESENT), None)
    guess = guess or site.near(target)
    hint = f" (did you mean '{_relative(guess, page.src_uri)}'?)" if guess else ""
    folder = posixpath.dirname(page.src_uri)
    if unrecognized:
        return NOT_FOUND, (f"{what} '{_shown(url)}' names no file{hint}: link to the Markdown file of a page (a "
                           "country's is '../countries/no.md'), as the build turns it into the page's address")
    if link.image:
        example = _relative("images/name.png", page.src_uri)
        return NOT_FOUND, (f"image '{_shown(url)}' is '{_shown(target)}', which is not a file of the site{hint}: "
                           f"put the image in the {site.docs_dir}/ folder ({site.docs_dir}/images/, say) and write its "
                           f"path from this page's folder, '{folder}/' ('{example}')")
    examples = "; ".join(f"{kind} '{_relative(example, page.src_uri)}'" for kind, example in (
        ("a case", "cases/SLUG.md"), ("a brief", "briefs/SLUG.md"), ("a country", "countries/no.md")))
    return NOT_FOUND, (f"link '{_shown(url)}' goes to '{_shown(target)}', which is not a page or file of the "
                       f"site{hint}: write the path from this page's folder, '{folder}/' ({examples})")


def _anchor_problem(url: str, target: str, anchor: str, page: PageLinks, site: SiteView,
                    levels: LinkLevels) -> tuple[str, str] | None:
    if levels.anchors != "warn" or site.has_anchor(target, anchor) is not False:
        return None
    near = site.near_anchor(target, anchor)
    hint = f" (did you mean '#{near}'?)" if near else ""
    if target == page.src_uri:
        return NO_ANCHOR, (f"link '{_shown(url)}' goes to no heading or footnote of this page{hint}: a heading's id "
                           "is its text in lower case, with hyphens for spaces and without punctuation ('## Limits "
                           "of the evidence' is '#limits-of-the-evidence')")
    return NO_ANCHOR, (f"link '{_shown(url)}' goes to no heading or footnote of {site.display(target)}{hint}: "
                       "link to one of its headings, by its id")
