"""Element ids in generated pages: the ones the theme and the plugin keep, and the grammar of BibTeX keys.

Material finds its own elements by id (``document.querySelector("#__config")`` reads the theme's
configuration; ``__search``, ``__drawer``, ``__toc``, ``__nav_1``, ``__code_0``... wire up its controls), and
every one of them starts with ``__``. The plugin's templates and generated blocks have a few fixed ids of
their own (:data:`PLUGIN_IDS`). An element that comes earlier in the page with the same id wins
``querySelector``: a heading or an entry named after one of these can rewrite the theme's configuration or
stop its JavaScript.

Ids the site makes from contributed text therefore stay clear of them:

- a BibTeX key is an anchor on ``/bibliography/`` as it is written (``#benavides2012``), so keys follow
  :data:`KEY_PATTERN`, which cannot start with ``_``, and may not be one of :data:`RESERVED_KEYS`;
- a heading's id is made by the Markdown ``toc`` extension from the heading's text (a brief's title on the
  list of briefs, a section of a case); :func:`guarded_slugify` wraps the configured ``slugify`` so that a
  reserved id is written ``h-...`` instead (``__config`` becomes ``h-config``). Every other id is unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

#: Every id Material for MkDocs gives its own elements starts with this.
THEME_PREFIX = "__"

#: Every id the site's scripts and generated blocks give their elements starts with this (``cb-compare``,
#: ``cb-explore-select``, ``cb-ex-filters``...), or is one of :data:`PLUGIN_IDS`.
SITE_PREFIX = "cb-"

#: The fixed ids of the plugin's templates and generated HTML (``templates/``, ``pages.py``, ``brief_pages.py``,
#: ``explore.py``). Ids of the theme's namespace (``__comments``) are covered by :data:`THEME_PREFIX`.
PLUGIN_IDS = frozenset(
    {"case-title", "brief-title", "key-messages", "cb-explore", "cb-search-input", "cb-search-results"}
)

#: A BibTeX key: an ASCII letter or digit, then ASCII letters, digits and ``_ - : .``, ending in a letter, digit
#: or ``_``. It is an anchor as written (``/bibliography/#doe:2020.a``) and can always be cited as ``[@key]``
#: (a citation's key cannot end in punctuation: ``[@doe2020.]`` is not a citation). It never starts with ``_``,
#: so it is never one of the theme's ids.
KEY_PATTERN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_:.-]*[A-Za-z0-9_])?")

#: Keys that the grammar allows but that are ids on the bibliography page already: the plugin's own, and the
#: page's heading (``# Bibliography``).
RESERVED_KEYS = PLUGIN_IDS | {"bibliography"}


def is_reserved_id(value: str) -> bool:
    """Whether ``value`` is, or could be, an id the theme or the plugin uses."""
    return value.startswith(("_", SITE_PREFIX)) or value in PLUGIN_IDS


def key_problem(key: str) -> str | None:
    """Why ``key`` cannot be a BibTeX key on this site, or ``None`` if it can."""
    if key in RESERVED_KEYS:
        return f"key '{key}' is an id the site's pages use already"
    if key.startswith("_"):
        return f"key '{key}' starts with '_', as the ids the theme's scripts read do ('__config', '__search')"
    if key.startswith(SITE_PREFIX):
        return f"key '{key}' starts with '{SITE_PREFIX}', as the ids of the site's own elements do ('cb-compare')"
    if KEY_PATTERN.fullmatch(key) is None:
        return (f"key '{key}' is not a citation key: use ASCII letters and digits, with '-', '_', ':' or '.' "
                "inside (it becomes the entry's anchor on the bibliography page)")
    return None


#: Letters that Unicode does not decompose into an ASCII letter and an accent, written as their usual ASCII
#: spelling (``Lægreid`` is ``Laegreid``, ``Øresund`` is ``Oresund``, ``Straße`` is ``Strasse``).
_LETTERS = str.maketrans({
    "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "ß": "ss", "ẞ": "SS", "ł": "l", "Ł": "L",
    "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i", "ħ": "h", "Ħ": "H",
})


def ascii_fold(text: str) -> str:
    """``text`` in ASCII letters: accents dropped (``México`` -> ``Mexico``), ``æ``/``ø``/``ß``... spelled out.

    Characters with no ASCII spelling are dropped.
    """
    spelled = text.translate(_LETTERS)
    return unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode("ascii")


def suggest_key(key: str) -> str:
    """A key in the grammar made from ``key`` (``__config`` -> ``config``, ``Müller 2020`` -> ``Muller-2020``,
    ``lægreid2014`` -> ``laegreid2014``)."""
    ascii_key = ascii_fold(key)
    parts = re.findall(r"[A-Za-z0-9]+(?:[_:.-]+[A-Za-z0-9]+)*", ascii_key)
    suggestion = "-".join(parts)
    if not suggestion or suggestion in RESERVED_KEYS or suggestion.startswith(SITE_PREFIX):
        suggestion = "ref-" + (suggestion or "1")
    return suggestion


def guarded_slugify(slugify: Callable[[str, str], str]) -> Callable[[str, str], str]:
    """``slugify`` (the ``toc`` extension's), but never giving an id the theme or the plugin uses.

    A reserved result is written with ``h`` in front of it and its leading underscores dropped (``__config``
    becomes ``h-config``); every other result is exactly what ``slugify`` gives.
    """
    if getattr(slugify, "casebook_guarded", False):
        return slugify

    def guarded(value: str, separator: str) -> str:
        slug = slugify(value, separator)
        if not is_reserved_id(slug):
            return slug
        rest = slug.lstrip("_")
        return "h" + (separator + rest if rest else "")

    guarded.casebook_guarded = True  # type: ignore[attr-defined]
    return guarded
