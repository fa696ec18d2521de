"""Field values as pybtex rich text, fast, and rich text back to plain text.

pybtex decodes every field with latexcodec (``Text.from_latex``), whose tokenizer dominates formatting time.
The fast twins here give the house's reading of the same TeX, cached, and skip the codec where it would change
nothing. Each says which slow twin it must equal; ``tests/core/test_fast_paths.py`` checks them. The house's reading
differs from pybtex's on purpose in two ways: TeX's single quotes (```like this'``) become typographic ones, and
commands the codec does not know are dropped (:func:`strip_leftovers`), their arguments kept. It also differs,
as it always has, on three ligatures: latexcodec makes ``,,`` ``!``` ``?``` into "„" "¡" "¿", and the fast path
leaves them as written unless it decodes the whole value (see :func:`decode_latex`).
"""

from __future__ import annotations

import codecs
import functools
import re
from collections.abc import Mapping
from typing import Any

from pybtex.backends.plaintext import Backend as TextBackend
from pybtex.database import Entry, Person
from pybtex.markup import LaTeXParser
from pybtex.richtext import Text
from pybtex.style.template import FieldIsMissing, node

# A value with none of these characters decodes to itself, so it skips the codec.
_NEEDS_CODEC = re.compile(r"[\\~%$`]|--|''")
#: A TeX command the codec did not know, with its option: ``\\foo[opt]`` (its argument stays, as text).
LEFTOVER_COMMAND = re.compile(r"\\([A-Za-z]+)\*?(?:\s*\[[^\]]*\])?\s?")
#: The same within one field's text: an option never spans a brace.
_LEFTOVER_IN_TEXT = re.compile(r"\\([A-Za-z]+)\*?(?:\s*\[[^\]{}]*\])?\s?")


@functools.lru_cache(maxsize=65536)
def fast_from_latex(value: str) -> Text:
    """Fast twin of pybtex's ``Text.from_latex(value)``, read the house way; it must equal
    ``LaTeXParser(strip_leftovers(typographic_quotes(codecs.decode(value, "ulatex")))).parse()`` for any value
    pybtex reads (whitespace collapsed), ligatures aside (``test_fast_latex_decoding_agrees_with_the_codec``).

    Without the codec when it would change nothing, and cached: names, journals and publishers repeat, and
    pybtex's rich text is never modified in place.
    """
    if _NEEDS_CODEC.search(value) is None:
        return LaTeXParser(value).parse()
    return LaTeXParser(strip_leftovers(decode_latex(value))).parse()


def strip_leftovers(text: str) -> str:
    """``text`` (decoded TeX) without the commands the codec did not know (``\\foo[opt]``); their arguments stay.

    Done to each field's text before formatting, never to the formatted HTML, where an option's ``[...]`` could
    reach across tags (``\\x[`` in one field and ``]`` in the next would remove a link's ``</a>``).
    """
    return _LEFTOVER_IN_TEXT.sub("", text) if "\\" in text else text


_TOKEN = re.compile(
    r"\\[A-Za-z]+\s*(?:\{[^{}\\]*\}|[A-Za-z]+)?"  # \ss, \c c, \v{s}, \o ne (TeX eats the space)
    r"|\\[^A-Za-z\s]\s*(?:\{\\[ij]\}|\{[^{}\\]*\}|\\[ij](?![A-Za-z])\s*|[A-Za-z])?"  # \'e, \'{e}, \"{\i}
    r"|---?|``|''|~"
)
_SINGLE_QUOTED = re.compile(r"`([^`']*)'")


def _ulatex(text: str) -> str:
    import latexcodec  # noqa: F401  (registers the "ulatex" codec; imported when first needed, not to validate)

    return str(codecs.decode(text, "ulatex"))  # type: ignore[call-overload]


@functools.lru_cache(maxsize=4096)
def _decode_token(token: str) -> str:
    return _ulatex(token)


def typographic_quotes(text: str) -> str:
    """TeX's single quotes (`like this') as typographic ones, which latexcodec leaves alone."""
    return _SINGLE_QUOTED.sub("\u2018\\1\u2019", text) if "`" in text else text


@functools.lru_cache(maxsize=65536)
def decode_latex(value: str) -> str:
    """What latexcodec makes of ``value``, decoding each TeX token once per process (tokens repeat), then
    :func:`typographic_quotes`.

    The fast twin of decoding the whole value, ``typographic_quotes(codecs.decode(value, "ulatex"))``, which it
    must equal for any value pybtex reads, ligatures aside (``test_fast_latex_decoding_agrees_with_the_codec``).
    It falls back to that whenever the value holds anything the token split may not handle.
    """
    if "%" in value or "$" in value or "{}" in value:
        out = _ulatex(value)
    else:
        out = _TOKEN.sub(lambda m: _decode_token(m.group()), value)
        if "\\" in out:
            out = _ulatex(value)
    return typographic_quotes(out)


class _RichFields(Mapping[str, Text]):
    def __init__(self, fields: Mapping[str, str]) -> None:
        self._fields = fields

    def __getitem__(self, key: str) -> Text:
        return fast_from_latex(self._fields[key])

    def __iter__(self) -> Any:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)


class FastEntry(Entry):  # type: ignore[misc]
    """Fast twin of pybtex's ``Entry``: its ``rich_fields`` come from :func:`fast_from_latex` instead of
    ``Text.from_latex``, so they equal pybtex's wherever that function does."""

    @property
    def rich_fields(self) -> Mapping[str, Text]:
        return _RichFields(self.fields)


class FastPerson(Person):  # type: ignore[misc]
    """Fast twin of pybtex's ``Person``: its ``rich_*_names`` come from :func:`fast_from_latex` instead of
    ``Text.from_latex``, so they equal pybtex's wherever that function does."""

    @classmethod
    def copy_of(cls, person: Person) -> FastPerson:
        fast = cls.__new__(cls)
        fast.__dict__.update(person.__dict__)
        return fast

    @property
    def rich_first_names(self) -> list[Text]:
        return [fast_from_latex(name) for name in self.first_names]

    @property
    def rich_middle_names(self) -> list[Text]:
        return [fast_from_latex(name) for name in self.middle_names]

    @property
    def rich_prelast_names(self) -> list[Text]:
        return [fast_from_latex(name) for name in self.prelast_names]

    @property
    def rich_last_names(self) -> list[Text]:
        return [fast_from_latex(name) for name in self.last_names]

    @property
    def rich_lineage_names(self) -> list[Text]:
        return [fast_from_latex(name) for name in self.lineage_names]


@node  # type: ignore[untyped-decorator]
def fast_field(children: Any, context: Any, name: str, apply_func: Any = None, raw: bool = False) -> Any:
    """Fast twin of pybtex's ``field`` template node: the same, with :func:`fast_from_latex` for
    ``Text.from_latex``."""
    entry = context["entry"]
    try:
        value = entry._find_field(name, bib_data=context.get("bib_data"))
    except KeyError:
        raise FieldIsMissing(name, entry) from None
    result = value if raw else fast_from_latex(value)
    return apply_func(result) if apply_func else result


_TEXT_BACKEND = TextBackend()


def plain_text(text: Text | str) -> str:
    """``text`` as plain text for labels and sorting: leftover commands dropped, no-break spaces as spaces."""
    # render_as() looks the backend up through entry points on every call: far too slow per field.
    value = text.render(_TEXT_BACKEND) if isinstance(text, Text) else str(text)
    return LEFTOVER_COMMAND.sub("", value).replace("\xa0", " ").strip()
